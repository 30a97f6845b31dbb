using System.Collections.Frozen;

namespace CommonGround.Profiles;

/// <summary>
/// Host names reduced to the domain an organisation registers ("sales.acme.co.uk" -> "acme.co.uk").
/// </summary>
/// <remarks>
/// Not the full Public Suffix List: the common two-level public suffixes of country domains below
/// (co.uk, com.au, co.jp, ...) and any single top-level domain. A domain under a two-level suffix missing
/// here is cut one label too short ("acme.com.xx" -> "com.xx"); add the suffix when that shows up.
/// Stateless and thread-safe.
/// </remarks>
static class DomainNames
{
    static readonly FrozenSet<string> TwoLevelSuffixes = Expand(
        ("uk", "co org me ltd plc net sch ac gov nhs police"),
        ("au", "com net org edu gov asn id"),
        ("nz", "co org net ac govt school geek gen"),
        ("jp", "co ne or ac go gr ed lg"),
        ("kr", "co or ne go ac re"),
        ("za", "co org net gov ac web"),
        ("in", "co net org firm gen ind ac edu gov res"),
        ("br", "com net org gov edu"),
        ("mx", "com org net edu gob"),
        ("ar", "com org net gob edu"),
        ("cn", "com net org gov edu ac"),
        ("hk", "com org net edu gov idv"),
        ("tw", "com org net edu gov idv"),
        ("sg", "com org net edu gov"),
        ("my", "com org net edu gov"),
        ("id", "co or ac go web net"),
        ("th", "co or ac go in net"),
        ("il", "co org ac gov net muni"),
        ("tr", "com org net gen biz edu gov"),
        ("ua", "com net org"),
        ("ru", "com net org"),
        ("pl", "com net org"),
        ("es", "com nom org"),
        ("pt", "com org"),
        ("gr", "com org net edu gov"),
        ("cy", "com org net"),
        ("mt", "com org net"),
        ("at", "co or ac gv"),
        ("hu", "co org"),
        ("ng", "com org net gov edu"),
        ("ke", "co or ac go"),
        ("eg", "com org net edu gov"),
        ("sa", "com org net edu gov"),
        ("ae", "co org net ac gov"),
        ("pk", "com org net edu gov"),
        ("ph", "com org net edu gov"),
        ("vn", "com org net edu gov"),
        ("co", "com org net edu gov"),
        ("pe", "com org net edu gob"),
        ("ve", "com org net"),
        ("ec", "com org net"),
        ("uy", "com org net"));

    /// <summary>The registrable domain of a host name, lower-case; null when it is not a valid host name or is a public suffix itself.</summary>
    public static string? Registrable(string? host)
    {
        var labels = Labels(host);
        if (labels is null) return null;
        var suffixLength = SuffixLength(labels);
        return labels.Length > suffixLength ? string.Join('.', labels[^(suffixLength + 1)..]) : null;
    }

    /// <summary>The label an organisation chose: the registrable domain without its public suffix ("acme" of "acme.co.uk").</summary>
    public static string Name(string registrable) => registrable[..registrable.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The public suffix of a registrable domain ("co.uk" of "acme.co.uk").</summary>
    public static string Suffix(string registrable) => registrable[(registrable.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>The host of an e-mail address (after its only "@"), or null when it has none.</summary>
    public static string? HostOfEmail(string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != trimmed.LastIndexOf('@') || at == trimmed.Length - 1) return null;
        return trimmed[(at + 1)..];
    }

    /// <summary>The host of a web site written as a URL or a bare name ("https://www.acme.com/about", "acme.com").</summary>
    public static string? HostOfWebsite(string? website)
    {
        var text = website?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) text = text[(scheme + 3)..];
        var end = text.IndexOfAny(['/', '?', '#']);
        if (end >= 0) text = text[..end];
        var credentials = text.LastIndexOf('@');
        if (credentials >= 0) text = text[(credentials + 1)..];
        var port = text.IndexOf(':', StringComparison.Ordinal);
        return port >= 0 ? text[..port] : text;
    }

    /// <summary>The lower-case labels of a host name, or null when it is not a host name with at least two labels.</summary>
    static string[]? Labels(string? host)
    {
        var text = host?.Trim().TrimEnd('.').ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length > 253) return null;
        var labels = text.Split('.');
        if (labels.Length < 2) return null;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return null;
            foreach (var c in label)
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || (c > 127 && char.IsLetterOrDigit(c)))) return null;
        }
        // An IP address is not a domain.
        return labels[^1].All(char.IsAsciiDigit) ? null : labels;
    }

    static int SuffixLength(string[] labels) =>
        labels.Length >= 2 && TwoLevelSuffixes.Contains(labels[^2] + "." + labels[^1]) ? 2 : 1;

    static FrozenSet<string> Expand(params (string TopLevel, string SecondLevels)[] suffixes) =>
        suffixes.SelectMany(s => s.SecondLevels.Split(' ').Select(second => second + "." + s.TopLevel))
            .ToFrozenSet(StringComparer.Ordinal);
}
