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

    // The configured types in order; a name configured twice (in any case) counts once, at its last position.
    readonly Dictionary<string, int> _typeIndex;
    readonly string?[] _typeNames;
    readonly IdentifierNormalization[] _normalizations;
    readonly HashSet<string> _junk;

    // Bit n of _junkShapes[c] is set when a junk value of length n starts with the ASCII character c (either
    // case), so most values are cleared without hashing them. Null when a junk value starts outside ASCII or
    // is too long for the mask: then every value is looked up.
    readonly ulong[]? _junkShapes;
    readonly string _region;

    public IdentifierNormalizer(IdentityOptions options)
    {
        var types = options.EffectiveTypes;
        _typeIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var t = 0; t < types.Count; t++) _typeIndex[types[t].Name] = t;
        _typeNames = new string?[types.Count];
        _normalizations = new IdentifierNormalization[types.Count];
        for (var t = 0; t < types.Count; t++)
        {
            _typeNames[t] = _typeIndex[types[t].Name] == t ? types[t].Name : null;
            _normalizations[t] = types[t].Normalization;
        }
        _junk = new HashSet<string>(options.EffectiveJunkValues.Select(v => v.Trim()), StringComparer.OrdinalIgnoreCase);
        _junkShapes = new ulong[128];
        foreach (var junk in _junk)
        {
            if (junk.Length == 0) continue;
            if (junk.Length >= 64 || junk[0] >= 128)
            {
                _junkShapes = null;
                break;
            }
            _junkShapes[char.ToLowerInvariant(junk[0])] |= 1UL << junk.Length;
            _junkShapes[char.ToUpperInvariant(junk[0])] |= 1UL << junk.Length;
        }
        _region = options.DefaultPhoneRegion.ToUpperInvariant();
    }

    /// <summary>The normalised identifier, or why the value identifies no one.</summary>
    public IdentifierVerdict Normalize(string type, string? value, out Identifier identifier)
    {
        var verdict = Normalize(type, value, out var typeIndex, out var normalised);
        identifier = verdict == IdentifierVerdict.Accepted ? new Identifier(_typeNames[typeIndex]!, normalised!) : default;
        return verdict;
    }

    /// <summary>
    /// <see cref="Normalize(string, string?, out Identifier)"/> without building the identifier: the type's
    /// position in <see cref="IdentityOptions.EffectiveTypes"/> and the normalised value.
    /// </summary>
    internal IdentifierVerdict Normalize(string type, string? value, out int typeIndex, out string? normalised)
    {
        normalised = null;
        typeIndex = IndexOf(type);
        if (typeIndex < 0) return IdentifierVerdict.UnknownType;
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || IsJunk(trimmed)) return IdentifierVerdict.Junk;

        normalised = _normalizations[typeIndex] switch
        {
            IdentifierNormalization.Exact => trimmed,
            IdentifierNormalization.CaseInsensitive => trimmed.ToLowerInvariant(),
            IdentifierNormalization.Email => NormalizeEmail(trimmed),
            IdentifierNormalization.Phone => NormalizePhone(trimmed, _region),
            _ => null,
        };
        if (normalised is null) return IdentifierVerdict.Invalid;
        if (!ReferenceEquals(normalised, trimmed) && IsJunk(normalised))
        {
            normalised = null;
            return IdentifierVerdict.Junk;
        }
        return IdentifierVerdict.Accepted;
    }

    int IndexOf(string type)
    {
        // Callers pass the configured names themselves (IdentifierTypes constants) almost always.
        for (var t = 0; t < _typeNames.Length; t++)
        {
            if (ReferenceEquals(type, _typeNames[t])) return t;
        }
        return _typeIndex.TryGetValue(type, out var index) ? index : -1;
    }

    bool IsJunk(string value)
    {
        var first = value[0];
        if (_junkShapes is not null && first < 128 && value.Length < 64 && (_junkShapes[first] & (1UL << value.Length)) == 0) return false;
        return _junk.Contains(value);
    }

    /// <summary>Shorthand for <see cref="Normalize(string, string?, out Identifier)"/> that only says whether the value was accepted.</summary>
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
