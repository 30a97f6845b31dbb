namespace CommonGround.Identity;

/// <summary>
/// One normalised identifier: its type (one of <see cref="IdentityOptions.Types"/>, e.g. "email") and
/// its value after <see cref="IdentifierNormalizer"/> (trimmed, e-mail lower-cased, phone in E.164).
/// </summary>
/// <remarks>
/// Two identifiers are the same when type and value are equal, ordinally. An identifier never belongs
/// to more than one profile at a time. It is personal data: never log its value.
/// </remarks>
public readonly record struct Identifier(string Type, string Value)
{
    /// <summary>Type and value for display to an operator; not for logs.</summary>
    public override string ToString() => Type + ":" + Value;
}

/// <summary>
/// An identifier as a source sent it, before normalisation: the type is one of the configured types,
/// the value is raw (may be junk, badly formatted or empty).
/// </summary>
public readonly record struct ObservedIdentifier(string Type, string? Value);

/// <summary>The identifier types CommonGround knows out of the box; more can be configured.</summary>
public static class IdentifierTypes
{
    public const string UserId = "userId";
    public const string AnonymousId = "anonymousId";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string DeviceId = "deviceId";
    public const string LoyaltyId = "loyaltyId";
    public const string ExternalId = "externalId";
}
