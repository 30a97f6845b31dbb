namespace CommonGround.Profiles;

/// <summary>What a Segment <c>group</c> call says about a business: its group id and, from its traits, name and web site.</summary>
public sealed record GroupMembership(string? GroupId, string? Name = null, string? Website = null);

/// <summary>
/// The businesses one person belongs to, from everything known about the person: the groups Segment
/// put them in, their e-mail addresses and the company fields they filled in.
/// </summary>
/// <remarks>
/// <para>Rule: the domain key wins whenever something identifies the business's domain, so the same
/// business meets itself across systems ("domain:acme.co.uk" from an e-mail in the loyalty system and
/// from the web site in a group call).</para>
/// <list type="number">
/// <item>Each corporate e-mail domain (<see cref="BusinessKey.FromEmail"/>) and each group's own web-site
/// domain is a <c>domain:</c> business.</item>
/// <item>A group is that domain's business when its web site names the domain, or when it has no usable
/// web site and its name spells one of the person's domains ("Ashby Engineering Ltd" and
/// ashbyengineering.co.uk; see below). Otherwise it is its own <c>group:</c> business.</item>
/// <item>A company field is a domain's business when its name spells the domain, else a group's business
/// when its name equals the group's name (both normalised as in <see cref="BusinessKey.FromCompany"/>),
/// else its own <c>company:</c> business.</item>
/// <item>"Spells": the domain's name part without hyphens equals the normalised name run together, or
/// the name with all its words (legal form included) run together, optionally followed by a legal form,
/// "group" or "uk" ("ashby-engineering.com", "ashbyengineeringltd.co.uk", "ashbyengineeringuk.com").
/// When a name spells two of the person's domains, the first in ordinal order is taken.</item>
/// <item>The result holds each key once, in ordinal order of <see cref="BusinessKey.Key"/>. Its
/// <see cref="BusinessKey.Evidence"/> is the strongest that led to it (group, then e-mail, then
/// company); its name is the first group's name, else the first company as typed, in ordinal order.</item>
/// </list>
/// <para>The same inputs in any order give the same result. Pass each group's latest known traits, not
/// only those of this person's call, so that people of one group resolve alike. Stateless and thread-safe.</para>
/// </remarks>
public static class Businesses
{
    /// <summary>The distinct businesses of one person; empty when nothing names one. Null arguments and null items are ignored.</summary>
    public static IReadOnlyList<BusinessKey> Resolve(IEnumerable<GroupMembership?>? groups, IEnumerable<string?>? emails,
        IEnumerable<string?>? companies)
    {
        var byKey = new Dictionary<string, BusinessKey>(StringComparer.Ordinal);
        var domains = new SortedSet<string>(StringComparer.Ordinal);
        var groupNames = new List<(CompanyName Name, string Key)>();

        var groupKeys = (groups ?? []).Select(g => g is null ? null : BusinessKey.FromGroup(g.GroupId, g.Name, g.Website))
            .OfType<BusinessKey>().Order(KeyOrder).ToList();
        foreach (var email in emails ?? [])
        {
            if (BusinessKey.FromEmail(email) is { } business) Add(byKey, business);
        }
        foreach (var key in byKey.Values) domains.Add(key.Domain!);
        foreach (var group in groupKeys)
            if (group.Domain is { } domain) domains.Add(domain);

        foreach (var group in groupKeys)
        {
            var name = CompanyName.Parse(group.Name);
            var domain = group.Domain ?? (name is null ? null : domains.FirstOrDefault(name.IsSpelledBy));
            var business = domain is null ? group : group with { Key = BusinessKey.DomainPrefix + domain, Domain = domain };
            Add(byKey, business);
            if (name is not null) groupNames.Add((name, business.Key));
        }

        var companyKeys = (companies ?? []).Select(c => (Text: c, Key: BusinessKey.FromCompany(c)))
            .Where(c => c.Key is not null).OrderBy(c => c.Key!, KeyOrder);
        foreach (var (text, company) in companyKeys)
        {
            var name = CompanyName.Parse(text)!;
            var domain = domains.FirstOrDefault(name.IsSpelledBy);
            var business = domain is not null
                ? company! with { Key = BusinessKey.DomainPrefix + domain, Domain = domain }
                : groupNames.FirstOrDefault(g => g.Name.Normalized == name.Normalized).Key is { } groupKey
                    ? company! with { Key = groupKey, Domain = byKey[groupKey].Domain }
                    : company!;
            Add(byKey, business);
        }
        return [.. byKey.Values.OrderBy(b => b.Key, StringComparer.Ordinal)];
    }

    /// <summary>Adds a business, or merges it into the one with its key: strongest evidence, first name.</summary>
    static void Add(Dictionary<string, BusinessKey> byKey, BusinessKey business)
    {
        if (!byKey.TryGetValue(business.Key, out var known))
        {
            byKey[business.Key] = business;
            return;
        }
        byKey[business.Key] = known with
        {
            Evidence = (BusinessEvidence)Math.Min((int)known.Evidence, (int)business.Evidence),
            Name = known.Name ?? business.Name,
            Domain = known.Domain ?? business.Domain,
        };
    }

    static readonly Comparer<BusinessKey> KeyOrder = Comparer<BusinessKey>.Create((a, b) =>
    {
        var byKey = string.CompareOrdinal(a.Key, b.Key);
        return byKey != 0 ? byKey : string.CompareOrdinal(a.Name, b.Name);
    });
}
