using System.ComponentModel.DataAnnotations;

namespace CommonGround.Identity;

/// <summary>
/// How identifiers are resolved into profiles; bound to the "Identity" configuration section.
/// </summary>
/// <remarks>
/// An empty <see cref="Types"/> or <see cref="JunkValues"/> means the built-in defaults
/// (<see cref="DefaultTypes"/>, <see cref="DefaultJunkValues"/>). Configuration binding appends to
/// lists that already hold items, so the defaults are not pre-filled: a configured list replaces them.
/// </remarks>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>
    /// Identifier types in priority order, highest first. When an observation cannot join everything
    /// it saw, its identifiers go with the profile of its highest-priority identifier.
    /// </summary>
    public IList<IdentifierTypeOptions> Types { get; set; } = [];

    /// <summary>Values that never identify anyone, compared case-insensitively after trimming.</summary>
    public IList<string> JunkValues { get; set; } = [];

    /// <summary>ISO 3166 region used to read phone numbers written without a country code ("BE").</summary>
    [RegularExpression("^[A-Za-z]{2}$")]
    public string DefaultPhoneRegion { get; set; } = "BE";

    /// <summary>
    /// Most merges one profile may be the result of; a merge that would exceed it is refused and
    /// recorded as a conflict. Stops one shared identifier from pulling thousands of people together.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxMergesPerProfile { get; set; } = 100;

    /// <summary>
    /// Whether this server resolves identities in the background. With several servers on one
    /// PostgreSQL database, turn it on for exactly one of them.
    /// </summary>
    public bool Resolve { get; set; } = true;

    /// <summary>How long the server waits between two catch-ups with arriving data.</summary>
    public TimeSpan ResolveEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>userId, email, phone, loyaltyId, externalId, deviceId, anonymousId, in that priority.</summary>
    public static IReadOnlyList<IdentifierTypeOptions> DefaultTypes { get; } =
    [
        new() { Name = IdentifierTypes.UserId, MaxPerProfile = 1 },
        new() { Name = IdentifierTypes.Email, MaxPerProfile = 5, Normalization = IdentifierNormalization.Email },
        new() { Name = IdentifierTypes.Phone, MaxPerProfile = 3, Normalization = IdentifierNormalization.Phone },
        new() { Name = IdentifierTypes.LoyaltyId, MaxPerProfile = 3 },
        new() { Name = IdentifierTypes.ExternalId },
        new() { Name = IdentifierTypes.DeviceId },
        new() { Name = IdentifierTypes.AnonymousId },
    ];

    /// <summary>Placeholders that tracking plans, forms and test scripts leave in identifier fields.</summary>
    public static IReadOnlyList<string> DefaultJunkValues { get; } =
    [
        "null", "undefined", "anonymous", "anon", "0", "-1", "none", "n/a", "na", "nil", "unknown", "guest",
        "test", "[object object]", "nan", "false", "true", "00000000-0000-0000-0000-000000000000",
        "test@test.com", "test@example.com", "noemail@noemail.com", "no@email.com", "none@none.com",
        "email@email.com",
    ];

    /// <summary>The types in force: <see cref="Types"/>, or the defaults when it is empty.</summary>
    public IReadOnlyList<IdentifierTypeOptions> EffectiveTypes => Types.Count > 0 ? [.. Types] : DefaultTypes;

    /// <summary>The junk values in force: <see cref="JunkValues"/>, or the defaults when it is empty.</summary>
    public IReadOnlyList<string> EffectiveJunkValues => JunkValues.Count > 0 ? [.. JunkValues] : DefaultJunkValues;
}

/// <summary>One identifier type: its name, how its values are normalised, how many one profile may hold.</summary>
public sealed class IdentifierTypeOptions
{
    [Required]
    public string Name { get; set; } = "";

    /// <summary>Most distinct values of this type in one profile; null means unlimited.</summary>
    [Range(1, int.MaxValue)]
    public int? MaxPerProfile { get; set; }

    public IdentifierNormalization Normalization { get; set; } = IdentifierNormalization.Exact;
}

/// <summary>How the values of an identifier type are made comparable.</summary>
public enum IdentifierNormalization
{
    /// <summary>Trimmed; otherwise compared exactly (ids are case-sensitive).</summary>
    Exact,

    /// <summary>Trimmed and lower-cased.</summary>
    CaseInsensitive,

    /// <summary>Trimmed, lower-cased, and must look like an address (local@domain.tld).</summary>
    Email,

    /// <summary>Parsed with the default region and written in E.164 (+32470123456); must be a valid number.</summary>
    Phone,
}
