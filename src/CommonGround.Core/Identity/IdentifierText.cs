namespace CommonGround.Identity;

/// <summary>
/// Reads an identifier written as TYPE:VALUE (email:ann@example.com, phone:+32470123456, userId:u-42),
/// as people type them in requests, files and command lines, and normalises it with
/// <see cref="IdentifierNormalizer"/>. The problem comes back in words a person can act on.
/// </summary>
/// <remarks>Immutable and thread-safe. Problems never repeat the value: it is personal data.</remarks>
public sealed class IdentifierText(IdentityOptions options)
{
    readonly IdentifierNormalizer _normalizer = new(options);
    readonly string _types = string.Join(", ", options.EffectiveTypes.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase));

    /// <summary>The configured types, for help texts: "userId, anonymousId, email, ...".</summary>
    public string Types => _types;

    /// <summary>The configured type of that name (any case), as configured, or null.</summary>
    public string? TypeNamed(string name) =>
        options.EffectiveTypes.Select(t => t.Name).LastOrDefault(t => string.Equals(t, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses TYPE:VALUE; with <paramref name="type"/> given, the whole text is the value (a file of bare e-mails).</summary>
    /// <returns>Null when the identifier is usable, otherwise what is wrong with it.</returns>
    public string? Read(string? text, string? type, out Identifier identifier)
    {
        identifier = default;
        var raw = text?.Trim() ?? "";
        string value;
        if (type is null)
        {
            var separator = raw.IndexOf(':');
            if (separator <= 0) return $"is not TYPE:VALUE; write e.g. email:ann@example.com (types: {_types}).";
            type = raw[..separator].Trim();
            value = raw[(separator + 1)..];
        }
        else
        {
            value = raw;
        }
        return _normalizer.Normalize(type, value, out identifier) switch
        {
            IdentifierVerdict.Accepted => null,
            IdentifierVerdict.UnknownType => $"has the type '{type}', which is not an identifier type; use one of {_types}.",
            IdentifierVerdict.Junk => $"has an empty or placeholder {type} that identifies no one.",
            _ => $"is not a valid {type}.",
        };
    }
}
