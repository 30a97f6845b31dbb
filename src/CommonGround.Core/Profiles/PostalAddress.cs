using System.Collections.Frozen;

namespace CommonGround.Profiles;

/// <summary>
/// Turns a postal address into a key that is the same however the address was written, so people
/// at one address can be grouped into a household.
/// </summary>
/// <remarks>
/// <para>The key is <c>COUNTRY|POSTCODE|street</c>, or <c>COUNTRY|city:city|street</c> when there is no
/// postal code, followed by <c>|unit …</c> when the line names a flat, apartment, unit or suite:
/// "Flat 2, 12 High St", "12 High Street Flat 2" and "Apt. 2, 12 high st." all give
/// <c>GB|SW1A1AA|12 high st|unit 2</c>. The format is stable: keys are stored and compared across runs,
/// so changing a rule below re-groups households and needs a migration.</para>
/// <para>Rules, in order:</para>
/// <list type="bullet">
/// <item>Text: accents removed ("Église" = "Eglise"), case ignored, apostrophes dropped ("St John's" =
/// "St Johns"), every other punctuation mark separates words, a letter after a number is its own word
/// ("12a" = "12 A" = "12-A"). House numbers are kept: "12 High St" and "14 High St" differ.</item>
/// <item>Street words are abbreviated the English way (Street/Str/St and Saint -> st, Road -> rd,
/// Avenue/Av -> ave, Lane -> ln, Drive -> dr, Court -> ct, Close -> cl, Crescent -> cres, Gardens -> gdns,
/// Grove -> gr, Terrace/Tce -> ter, Place -> pl, Square -> sq, Boulevard/Bd -> blvd, North/N -> n, ...), and
/// German "…straße"/"…strasse" -> "…str". "No."/"Number" before a number is dropped.</item>
/// <item>Flat, Flt, Apartment, Apt, Appt, Unit, Suite, Room and "#" introduce a unit; the unit's value (and a
/// letter after it: "Flat 2B") is taken out of the line and kept at the end of the key, wherever it was written.</item>
/// <item>Postal code: letters and digits only, upper-case ("sw1a1aa" = "SW1A 1AA"); in the US a ZIP+4 keeps
/// its ZIP5 and a four-digit ZIP gets back the leading zero a spreadsheet dropped. When a postal code is
/// present the city is left out of the key (cities are written inconsistently: "Newcastle" and
/// "Newcastle upon Tyne"); without one, the city stands in, so a record with a postal code and one without
/// do not meet.</item>
/// <item>Country: ISO alpha-2, alpha-3 and common English and local names ("UK", "United Kingdom",
/// "England", "GBR" -> GB; "USA" -> US; "Deutschland" -> DE); none means the default country; an unknown
/// name is kept, upper-case, as its own country.</item>
/// <item>Incomplete addresses give null: no line, a line without a word that has a letter ("12"), a
/// placeholder ("n/a", "unknown", "-", ...), or neither a postal code nor a city.</item>
/// </list>
/// <para>Not handled: a city or postcode written inside the line, typos ("Hihg St"), numbers spelled out
/// ("First Avenue" vs "1st Avenue"), building names missing on one record.</para>
/// <para>Stateless and thread-safe.</para>
/// </remarks>
public static class PostalAddress
{
    /// <summary>
    /// A stable normalised key for a postal address, or null when the address is too incomplete to group
    /// people by (no street line, or neither postal code nor city).
    /// </summary>
    public static string? Normalize(string? line, string? postalCode, string? city, string? country, string defaultCountry)
    {
        var (street, unit) = Street(line);
        if (street is null) return null;
        var countryCode = Countries.Code(country) ?? Countries.Code(defaultCountry) ?? "";
        var place = PostalCode(postalCode, countryCode) is { } code ? code
            : City(city) is { } cityName ? "city:" + cityName
            : null;
        if (place is null) return null;
        return unit is null ? $"{countryCode}|{place}|{street}" : $"{countryCode}|{place}|{street}|unit {unit}";
    }

    static readonly FrozenSet<string> Placeholders = FrozenSet.ToFrozenSet(
    [
        "", "na", "n a", "none", "null", "nil", "unknown", "not known", "tbc", "tba", "test", "x", "xx", "xxx",
        "no address", "address", "not applicable", "unspecified", "0", "00000", "000000",
    ], StringComparer.Ordinal);

    static readonly FrozenDictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["street"] = "st", ["str"] = "st", ["saint"] = "st", ["road"] = "rd", ["avenue"] = "ave", ["av"] = "ave",
        ["avn"] = "ave", ["strasse"] = "st", ["lane"] = "ln", ["drive"] = "dr", ["drv"] = "dr", ["court"] = "ct", ["crt"] = "ct",
        ["close"] = "cl", ["crescent"] = "cres", ["cresc"] = "cres", ["gardens"] = "gdns", ["gdn"] = "gdns",
        ["grove"] = "gr", ["gro"] = "gr", ["grv"] = "gr", ["terrace"] = "ter", ["terr"] = "ter", ["tce"] = "ter",
        ["place"] = "pl", ["square"] = "sq", ["park"] = "pk", ["parade"] = "pde", ["boulevard"] = "blvd",
        ["boul"] = "blvd", ["bd"] = "blvd", ["bvd"] = "blvd", ["highway"] = "hwy", ["parkway"] = "pkwy",
        ["circle"] = "cir", ["mount"] = "mt", ["mountain"] = "mtn", ["heights"] = "hts", ["gate"] = "ga",
        ["north"] = "n", ["south"] = "s", ["east"] = "e", ["west"] = "w", ["northeast"] = "ne",
        ["northwest"] = "nw", ["southeast"] = "se", ["southwest"] = "sw",
        ["flat"] = Unit, ["flt"] = Unit, ["apartment"] = Unit, ["apt"] = Unit, ["appt"] = Unit,
        ["appartement"] = Unit, ["suite"] = Unit, ["room"] = Unit, ["rm"] = Unit,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    const string Unit = "unit";

    /// <summary>The street words without the unit, and the unit's value; street null when the line is unusable.</summary>
    static (string? Street, string? Unit) Street(string? line)
    {
        var words = Words.Of(line?.Replace("#", " unit ", StringComparison.Ordinal), splitNumbers: true);
        if (Placeholders.Contains(string.Join(' ', words))) return (null, null);
        for (var i = 0; i < words.Count; i++)
        {
            if (Abbreviations.TryGetValue(words[i], out var shortForm)) words[i] = shortForm;
            else if (words[i].Length > 7 && words[i].EndsWith("strasse", StringComparison.Ordinal)) words[i] = words[i][..^4];
        }

        var street = new List<string>(words.Count);
        var units = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word is "no" or "nr" or "number" && i + 1 < words.Count && IsNumber(words[i + 1])) continue;
            if (word == Unit)
            {
                while (i + 1 < words.Count && words[i + 1] == Unit) i++;   // "Apt #4"
                if (i + 1 < words.Count)
                {
                    var value = words[++i];
                    if (IsNumber(value) && i + 1 < words.Count && words[i + 1].Length == 1 && !IsNumber(words[i + 1])) value += words[++i];
                    units.Add(value);
                    continue;
                }
            }
            street.Add(word);
        }
        if (!street.Exists(w => w.Any(char.IsLetter))) return (null, null);
        return (string.Join(' ', street), units.Count == 0 ? null : string.Join(' ', units));
    }

    static bool IsNumber(string word) => word.Length > 0 && char.IsDigit(word[0]);

    static string? PostalCode(string? postalCode, string country)
    {
        if (string.IsNullOrWhiteSpace(postalCode)) return null;
        var words = Words.Of(postalCode);
        if (Placeholders.Contains(string.Join(' ', words))) return null;
        var code = Words.Compact(words).ToUpperInvariant();
        if (code.Length == 0) return null;
        if (country == "US" && code.All(char.IsAsciiDigit))
        {
            if (code.Length == 9) return code[..5];      // ZIP+4
            if (code.Length == 4) return "0" + code;     // a spreadsheet dropped the leading zero
        }
        return code;
    }

    static string? City(string? city)
    {
        var words = Words.Of(city);
        for (var i = 0; i < words.Count; i++)
            if (Abbreviations.TryGetValue(words[i], out var shortForm) && shortForm != Unit) words[i] = shortForm;
        var name = string.Join(' ', words);
        return Placeholders.Contains(name) ? null : name;
    }
}
