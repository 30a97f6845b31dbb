namespace CommonGround.Profiles;

/// <summary>Why a person belongs to a business, strongest first.</summary>
public enum BusinessEvidence
{
    /// <summary>A Segment <c>group</c> call put the person in the group.</summary>
    Group,

    /// <summary>The person has an e-mail address at the business's own domain.</summary>
    EmailDomain,

    /// <summary>The person typed the business's name in a company field.</summary>
    Company,
}

/// <summary>
/// A business a person belongs to, and why. Everyone with the same <see cref="Key"/> belongs to one
/// business; a person can belong to several.
/// </summary>
/// <remarks>
/// <para>Keys, by kind (the prefix says which):</para>
/// <list type="bullet">
/// <item><c>domain:acme.co.uk</c>: the registrable domain of a corporate e-mail address or of a group's
/// web site, lower-case. The strongest key: it is the same in every system.</item>
/// <item><c>group:biz-00042</c>: a Segment group id, trimmed, case kept (ids are case-sensitive).</item>
/// <item><c>company:acme engineering</c>: a company field, normalised (see <see cref="FromCompany"/>).</item>
/// </list>
/// <para><see cref="Name"/> and <see cref="Domain"/> describe the business and are not part of its identity;
/// two keys with the same <see cref="Key"/> are the same business even if their names differ.
/// Immutable and thread-safe.</para>
/// </remarks>
public sealed record BusinessKey(string Key, BusinessEvidence Evidence, string? Name, string? Domain)
{
    /// <summary>"b_" and 16 lower-case base32 characters of the key's SHA-256: short, stable, URL-safe.</summary>
    public string Id => StableId.Of("b_", Key);

    /// <summary>
    /// The business of a Segment group call: key "group:" + the trimmed group id, the name from the
    /// group's traits, and the registrable domain of its web site when that is the company's own (not a
    /// free-mail provider or a site on a shared platform such as facebook.com or wixsite.com). Null
    /// without a group id.
    /// </summary>
    public static BusinessKey? FromGroup(string? groupId, string? name, string? website)
    {
        var id = groupId?.Trim();
        if (string.IsNullOrEmpty(id)) return null;
        return new BusinessKey(GroupPrefix + id, BusinessEvidence.Group, Trimmed(name), OwnDomainOfWebsite(website));
    }

    /// <summary>
    /// The business of a person's e-mail address: key "domain:" + the registrable domain, lower-case
    /// ("ann@sales.acme.co.uk" -> "domain:acme.co.uk"). Null for a free-mail, ISP, forwarding or disposable
    /// domain (<see cref="FreeMailDomains"/>), a reserved example domain, or anything that is not an address.
    /// </summary>
    public static BusinessKey? FromEmail(string? email)
    {
        var host = DomainNames.HostOfEmail(email);
        if (host is null) return null;
        return OwnDomain(host) is { } domain
            ? new BusinessKey(DomainPrefix + domain, BusinessEvidence.EmailDomain, null, domain)
            : null;
    }

    /// <summary>
    /// The business named in a company field: key "company:" + the normalised name ("Ashby Engineering
    /// Ltd", "ASHBY ENGINEERING LIMITED" and "Ashby Engineering Group" all give "company:ashby engineering").
    /// Accents, case, punctuation, a leading "The" and trailing legal forms (Ltd, Limited, LLC, Inc, Corp,
    /// GmbH, LLP, PLC, "&amp; Co", SA, BV, Pty, ...) and "Group" are ignored. Null when empty or a
    /// placeholder ("n/a", "none", "-", "self-employed", "retired", "student", ...).
    /// </summary>
    public static BusinessKey? FromCompany(string? company) =>
        CompanyName.Parse(company) is { } name
            ? new BusinessKey(CompanyPrefix + name.Normalized, BusinessEvidence.Company, company!.Trim(), null)
            : null;

    internal const string GroupPrefix = "group:";
    internal const string DomainPrefix = "domain:";
    internal const string CompanyPrefix = "company:";

    /// <summary>The registrable domain of a host when it can be a company's own: not free mail, not reserved.</summary>
    internal static string? OwnDomain(string host)
    {
        var domain = DomainNames.Registrable(host);
        // The host, not only its registrable domain: some services live on a subdomain (privaterelay.appleid.com).
        if (domain is null || FreeMailDomains.Contains(host)) return null;
        return Reserved.Contains(DomainNames.Suffix(domain)) || Reserved.Contains(domain) ? null : domain;
    }

    static string? OwnDomainOfWebsite(string? website)
    {
        var host = DomainNames.HostOfWebsite(website);
        if (host is null) return null;
        var domain = OwnDomain(host);
        return domain is null || SharedSiteHosts.Contains(domain) ? null : domain;
    }

    static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>RFC 2606 and 6761 names: test data, never a customer's employer.</summary>
    static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "example", "test", "invalid", "localhost", "local", "example.com", "example.net", "example.org",
    };

    /// <summary>Platforms that host many businesses' pages: a web site there names the platform, not the business.</summary>
    static readonly HashSet<string> SharedSiteHosts = new(StringComparer.Ordinal)
    {
        "facebook.com", "fb.com", "instagram.com", "linkedin.com", "twitter.com", "x.com", "youtube.com", "tiktok.com",
        "pinterest.com", "google.com", "goo.gl", "business.site", "wixsite.com", "wix.com", "squarespace.com",
        "weebly.com", "wordpress.com", "blogspot.com", "github.io", "myshopify.com", "etsy.com", "amazon.com",
        "amazon.co.uk", "ebay.com", "ebay.co.uk", "yell.com", "linktr.ee", "carrd.co", "webflow.io", "netlify.app",
        "vercel.app",
    };
}
