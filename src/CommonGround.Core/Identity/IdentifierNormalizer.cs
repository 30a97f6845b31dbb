using PhoneNumbers;

namespace CommonGround.Identity;

/// <summary>
/// Turns raw identifier values into <see cref="Identifier"/>s that compare equal when they name the
/// same thing, and refuses junk, malformed values and unknown types.
/// </summary>
/// <remarks>Immutable after construction and safe to share between threads.</remarks>
public sealed class IdentifierNormalizer
{
    static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    readonly Dictionary<string, (string Name, IdentifierNormalization Normalization)> _types;
    readonly HashSet<string> _junk;
    readonly string _region;

    public IdentifierNormalizer(IdentityOptions options)
    {
        _types = new Dictionary<string, (string, IdentifierNormalization)>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in options.EffectiveTypes) _types[type.Name] = (type.Name, type.Normalization);
        _junk = new HashSet<string>(options.EffectiveJunkValues.Select(v => v.Trim()), StringComparer.OrdinalIgnoreCase);
        _region = options.DefaultPhoneRegion.ToUpperInvariant();
    }

    /// <summary>The normalised identifier, or why the value identifies no one.</summary>
    public IdentifierVerdict Normalize(string type, string? value, out Identifier identifier)
    {
        identifier = default;
        if (!_types.TryGetValue(type, out var spec)) return IdentifierVerdict.UnknownType;
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || _junk.Contains(trimmed)) return IdentifierVerdict.Junk;

        string? normalised = spec.Normalization switch
        {
            IdentifierNormalization.Exact => trimmed,
            IdentifierNormalization.CaseInsensitive => trimmed.ToLowerInvariant(),
            IdentifierNormalization.Email => NormalizeEmail(trimmed),
            IdentifierNormalization.Phone => NormalizePhone(trimmed, _region),
            _ => null,
        };
        if (normalised is null) return IdentifierVerdict.Invalid;
        if (!ReferenceEquals(normalised, trimmed) && _junk.Contains(normalised)) return IdentifierVerdict.Junk;
        identifier = new Identifier(spec.Name, normalised);
        return IdentifierVerdict.Accepted;
    }

    /// <summary>Shorthand for <see cref="Normalize"/> that only says whether the value was accepted.</summary>
    public bool TryNormalize(string type, string? value, out Identifier identifier) =>
        Normalize(type, value, out identifier) == IdentifierVerdict.Accepted;

    static string? NormalizeEmail(string value)
    {
        if (value.Length > 254) return null;
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1) return null;
        var domain = value.AsSpan(at + 1);
        var dot = domain.LastIndexOf('.');
        if (dot <= 0 || dot == domain.Length - 1 || domain[0] == '.' || domain.Contains("..", StringComparison.Ordinal)) return null;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '(' or ')' or '"') return null;
        }
        return value.ToLowerInvariant();
    }

    static string? NormalizePhone(string value, string region)
    {
        try
        {
            var number = Phones.Parse(value, region);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}

/// <summary>What <see cref="IdentifierNormalizer"/> made of a raw value.</summary>
public enum IdentifierVerdict
{
    Accepted,

    /// <summary>Empty, whitespace, or on the junk list: identifies no one.</summary>
    Junk,

    /// <summary>Not a usable value of its type (an e-mail without a domain, an impossible phone number).</summary>
    Invalid,

    /// <summary>The type is not among the configured identifier types.</summary>
    UnknownType,
}
