using System.Collections.Frozen;

namespace CommonGround.Profiles;

/// <summary>
/// A company name as typed into a form or a CRM, reduced to the words that name the organisation.
/// </summary>
/// <remarks>
/// Rules: accents, case and punctuation ignored; "&amp;" read as "and"; initials run together
/// ("L.L.C." = "LLC", "I.B.M." = "IBM"); a leading "The" dropped; then, from the end, legal forms
/// (Ltd, Limited, LLC, LLP, LP, PLC, Inc, Corp, Co, Company, "&amp; Co", GmbH, AG, SA, SARL, SAS, SRL,
/// SpA, BV, NV, AB, AS, Oy, Pty, Pte, ...) and the word "Group" are removed while another word remains.
/// "Group" goes because "Acme Group" and "Acme Ltd" are, for a marketer, the same customer; "Holdings"
/// and "&amp; Sons" stay, they are usually part of the name. Placeholders ("n/a", "none", "-",
/// "self-employed", "retired", "student", ...) are no company.
/// </remarks>
sealed class CompanyName
{
    /// <summary>The normalised words joined by spaces ("ashby engineering").</summary>
    public string Normalized { get; }

    /// <summary>Spellings a web domain of this company might use: the normalised words run together, and all the words run together.</summary>
    readonly string[] _domainSpellings;

    CompanyName(string normalized, string[] domainSpellings) => (Normalized, _domainSpellings) = (normalized, domainSpellings);

    public static CompanyName? Parse(string? text)
    {
        var words = Words.Of(text?.Replace("&", " and ", StringComparison.Ordinal));
        JoinInitials(words);
        if (words.Count == 0 || Placeholders.Contains(string.Join(' ', words))) return null;
        var all = Words.Compact(words);
        if (words.Count > 1 && words[0] == "the") words.RemoveAt(0);
        while (words.Count > 1 && (Suffixes.Contains(words[^1]) || words[^1] == "and")) words.RemoveAt(words.Count - 1);
        if (words.Count == 1 && Suffixes.Contains(words[0])) return null;   // "Ltd" alone
        var normalized = string.Join(' ', words);
        if (Placeholders.Contains(normalized)) return null;
        var compact = Words.Compact(words);
        return new CompanyName(normalized, compact == all ? [compact] : [compact, all]);
    }

    /// <summary>
    /// Whether a registrable domain spells this name: its name part, without hyphens, equals the name
    /// run together, with or without a trailing legal form, "group" or "uk"
    /// ("ashbyengineering.co.uk", "ashby-engineering-ltd.com", "ashbyengineeringgroup.com").
    /// </summary>
    public bool IsSpelledBy(string registrableDomain)
    {
        var label = DomainNames.Name(registrableDomain).Replace("-", "", StringComparison.Ordinal);
        foreach (var spelling in _domainSpellings)
        {
            if (label == spelling) return true;
            if (label.Length > spelling.Length && label.StartsWith(spelling, StringComparison.Ordinal)
                && DomainEndings.Contains(label[spelling.Length..])) return true;
        }
        return false;
    }

    /// <summary>"l", "l", "c" (from "L.L.C.") becomes "llc".</summary>
    static void JoinInitials(List<string> words)
    {
        for (var i = 0; i < words.Count - 1; i++)
        {
            if (words[i].Length != 1 || !char.IsLetter(words[i][0])) continue;
            var end = i;
            while (end + 1 < words.Count && words[end + 1].Length == 1 && char.IsLetter(words[end + 1][0])) end++;
            if (end == i) continue;
            words[i] = string.Concat(words.GetRange(i, end - i + 1));
            words.RemoveRange(i + 1, end - i);
        }
    }

    static readonly FrozenSet<string> Suffixes = FrozenSet.ToFrozenSet(
    [
        "ltd", "limited", "llc", "llp", "lp", "plc", "inc", "incorporated", "corp", "corporation", "co", "company",
        "gmbh", "mbh", "ag", "kg", "ug", "ohg", "ev", "sa", "sas", "sarl", "sl", "srl", "spa", "bv", "nv", "vof",
        "ab", "as", "asa", "aps", "oy", "oyj", "pty", "pte", "kk", "bhd", "sdn", "ltda", "cic", "group",
    ], StringComparer.Ordinal);

    static readonly FrozenSet<string> DomainEndings = FrozenSet.ToFrozenSet(
        ["ltd", "limited", "llc", "llp", "plc", "inc", "corp", "gmbh", "group", "uk", "grouplimited", "groupltd", "ukltd"],
        StringComparer.Ordinal);

    static readonly FrozenSet<string> Placeholders = FrozenSet.ToFrozenSet(
    [
        "na", "n a", "none", "null", "nil", "no", "nope", "unknown", "not known", "not applicable", "not employed",
        "no company", "company", "test", "x", "xx", "xxx", "tbc", "tba", "various", "private", "personal",
        "individual", "home", "me", "myself", "self", "self employed", "selfemployed", "freelance", "freelancer",
        "sole trader", "retired", "student", "unemployed", "homemaker", "housewife", "house wife", "house husband",
        "stay at home", "carer", "pensioner",
    ], StringComparer.Ordinal);
}
