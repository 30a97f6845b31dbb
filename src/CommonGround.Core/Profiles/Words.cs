using System.Globalization;
using System.Text;

namespace CommonGround.Profiles;

/// <summary>
/// Splits free text (address lines, cities, surnames, company names) into comparable words:
/// lower-case, accents removed ("Église" -> "eglise"), apostrophes dropped ("John's" -> "johns"),
/// every other punctuation mark a word break. Stateless and thread-safe.
/// </summary>
static class Words
{
    /// <summary>The words of <paramref name="text"/>; with <paramref name="splitNumbers"/>, "12a" becomes "12", "a".</summary>
    public static List<string> Of(string? text, bool splitNumbers = false)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return words;
        var word = new StringBuilder();
        // Folded by table: with InvariantGlobalization, string.Normalize does not decompose accents.
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c is '\'' or '\u2019' or '\u2018' or '`' or '\u00B4') continue;
            if (!char.IsLetterOrDigit(c))
            {
                Flush(word, words);
                continue;
            }
            if (splitNumbers && word.Length > 0 && char.IsDigit(word[^1]) != char.IsDigit(c)) Flush(word, words);
            Append(word, c);
        }
        Flush(word, words);
        return words;
    }

    /// <summary>The words run together: "O'Brien", "o brien" and "OBRIEN" all give "obrien".</summary>
    public static string Compact(IEnumerable<string> words) => string.Concat(words);

    static void Flush(StringBuilder word, List<string> words)
    {
        if (word.Length == 0) return;
        words.Add(word.ToString());
        word.Clear();
    }

    /// <summary>U+00C0 to U+017F (Latin-1 Supplement and Latin Extended-A) without accents; '.' where it takes two letters or is no letter.</summary>
    const string Latin =
        "aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y" +
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkklllllll" +
        "lllnnnnnnnnnoooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

    static void Append(StringBuilder word, char c)
    {
        if (c is < '\u00C0' or > '\u017F')
        {
            word.Append(char.ToLowerInvariant(c));
            return;
        }
        var folded = Latin[c - '\u00C0'];
        if (folded != '.')
        {
            word.Append(folded);
            return;
        }
        word.Append(c switch
        {
            'Æ' or 'æ' => "ae",
            'Œ' or 'œ' => "oe",
            'Þ' or 'þ' => "th",
            'Ĳ' or 'ĳ' => "ij",
            'ß' => "ss",
            _ => char.ToLowerInvariant(c).ToString(),
        });
    }
}
