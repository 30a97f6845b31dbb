using System.Collections.Frozen;

namespace CommonGround.Profiles;

/// <summary>
/// Country names, ISO alpha-3 codes and aliases to ISO 3166 alpha-2 codes, for the countries customers
/// of a European or North American business mostly live in. Any other two-letter value is taken as an
/// alpha-2 code; any other name is kept, upper-case and without spaces, so it still compares with itself.
/// </summary>
static class Countries
{
    static readonly FrozenDictionary<string, string> Aliases = Build(
        ("GB", "gbr|uk|u k|united kingdom|great britain|britain|england|scotland|wales|northern ireland|cymru|" +
               "united kingdom of great britain and northern ireland"),
        ("US", "usa|u s|u s a|united states|united states of america|america"),
        ("IE", "irl|ireland|eire|republic of ireland"),
        ("FR", "fra|france"),
        ("DE", "deu|ger|germany|deutschland"),
        ("NL", "nld|netherlands|the netherlands|holland|nederland"),
        ("BE", "bel|belgium|belgie|belgique|belgien"),
        ("LU", "lux|luxembourg|luxemburg"),
        ("ES", "esp|spain|espana"),
        ("PT", "prt|portugal"),
        ("IT", "ita|italy|italia"),
        ("CH", "che|switzerland|schweiz|suisse|svizzera"),
        ("AT", "aut|austria|osterreich"),
        ("DK", "dnk|denmark|danmark"),
        ("SE", "swe|sweden|sverige"),
        ("NO", "nor|norway|norge"),
        ("FI", "fin|finland|suomi"),
        ("IS", "isl|iceland"),
        ("PL", "pol|poland|polska"),
        ("CZ", "cze|czech republic|czechia|cesko"),
        ("SK", "svk|slovakia"),
        ("HU", "hun|hungary|magyarorszag"),
        ("RO", "rou|romania"),
        ("BG", "bgr|bulgaria"),
        ("GR", "grc|greece"),
        ("CY", "cyp|cyprus"),
        ("MT", "mlt|malta"),
        ("HR", "hrv|croatia|hrvatska"),
        ("SI", "svn|slovenia"),
        ("EE", "est|estonia"),
        ("LV", "lva|latvia"),
        ("LT", "ltu|lithuania"),
        ("CA", "can|canada"),
        ("MX", "mex|mexico"),
        ("BR", "bra|brazil|brasil"),
        ("AR", "arg|argentina"),
        ("AU", "aus|australia"),
        ("NZ", "nzl|new zealand"),
        ("JP", "jpn|japan"),
        ("CN", "chn|china"),
        ("IN", "ind|india"),
        ("ZA", "zaf|south africa"),
        ("AE", "are|uae|united arab emirates"),
        ("IL", "isr|israel"),
        ("TR", "tur|turkey|turkiye"),
        ("SG", "sgp|singapore"),
        ("HK", "hkg|hong kong"),
        ("KR", "kor|south korea|korea"),
        ("IM", "imn|isle of man"),
        ("JE", "jey|jersey"),
        ("GG", "ggy|guernsey"));

    /// <summary>The alpha-2 code of a country written any known way; null when nothing is written.</summary>
    public static string? Code(string? country)
    {
        var words = Words.Of(country);
        if (words.Count == 0) return null;
        if (Aliases.TryGetValue(string.Join(' ', words), out var code)) return code;
        return Words.Compact(words).ToUpperInvariant();
    }

    static FrozenDictionary<string, string> Build(params (string Code, string Names)[] countries)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, names) in countries)
            foreach (var name in names.Split('|')) aliases[name] = code;
        return aliases.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
