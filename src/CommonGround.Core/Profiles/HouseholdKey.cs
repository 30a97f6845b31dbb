namespace CommonGround.Profiles;

/// <summary>
/// The household a person belongs to: everyone with the same key is one household. A person has at
/// most one household key (one current address), so belongs to at most one household.
/// </summary>
/// <remarks>
/// The key is the <see cref="PostalAddress"/> key, followed by <c>|surname</c> when
/// <see cref="HouseholdOptions.IncludeSurname"/> is on. The surname is compared without accents, case,
/// spaces, hyphens or apostrophes ("O'Brien" = "OBRIEN" = "o brien"). Stateless and thread-safe.
/// </remarks>
public static class HouseholdKey
{
    /// <summary>
    /// The household key of a person: the normalised address, plus the normalised surname when
    /// <see cref="HouseholdOptions.IncludeSurname"/> is on (no surname then means no key). Null when the
    /// address is not usable.
    /// </summary>
    public static string? Of(string? addressLine, string? postalCode, string? city, string? country, string? lastName,
        HouseholdOptions options)
    {
        var address = PostalAddress.Normalize(addressLine, postalCode, city, country, options.DefaultCountry);
        if (address is null || !options.IncludeSurname) return address;
        var surname = Words.Compact(Words.Of(lastName));
        return surname.Length == 0 || Junk.Contains(surname) ? null : address + "|" + surname;
    }

    /// <summary>
    /// A short, stable, URL-safe id derived from a household key: "h_" and 16 lower-case base32 characters
    /// of the key's SHA-256. The same key always gives the same id, on every machine and in every version.
    /// </summary>
    public static string IdOf(string key) => StableId.Of("h_", key);

    static readonly HashSet<string> Junk = new(StringComparer.Ordinal) { "na", "none", "null", "unknown", "x", "xx", "xxx", "test" };
}
