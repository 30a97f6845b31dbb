using CommonGround.Campaigns;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// What a real-time decision needs to know of a customer: the surviving profile, its household and
/// time zone, and its marketing consent per channel, as identity resolution last derived them.
/// </summary>
/// <param name="RefreshedAt">When the profile's derived rows were written (store time); null before the first time.</param>
/// <param name="SuppressionLists">The stored suppression lists any identifier of the customer is on (null for none), whether or not the policy defines them.</param>
public sealed record ContactFacts(ProfileId Profile, string? Household, string? TimeZone, ChannelConsents Consents, DateTimeOffset? RefreshedAt,
    IReadOnlyList<string>? SuppressionLists = null)
{
    /// <summary>Consent to marketing per channel from a profile's consent rows (channel names as events give them: email, sms, phone, push, post).</summary>
    public static ChannelConsents ConsentsOf(IEnumerable<(string Channel, bool Granted)> marketing)
    {
        var consents = ChannelConsents.All(Consent.Unknown);
        foreach (var (name, granted) in marketing)
        {
            foreach (var (known, channel) in PlannedTarget.ConsentChannels)
            {
                if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase)) consents = consents.With(channel, granted ? Consent.Granted : Consent.Refused);
            }
        }
        return consents;
    }
}

/// <summary>
/// A profile whose contact facts were rewritten at <paramref name="RefreshedAt"/>: the profile itself,
/// or one absorbed into it (whose facts are now the survivor's).
/// </summary>
public readonly record struct ContactFactsChange(ProfileId Profile, DateTimeOffset RefreshedAt);

/// <summary>A customer's contact facts with every identifier that names them, as the server's directory keeps them.</summary>
public sealed record ContactDirectoryEntry(ContactFacts Facts, IReadOnlyList<Identifier> Identifiers);

/// <summary>
/// Gathers what a store read of several profiles (derived row, marketing consents, identifiers, in
/// any order) into <see cref="ContactDirectoryEntry"/>s, so both stores build them alike. Not thread-safe.
/// </summary>
public sealed class ContactDirectoryRows
{
    sealed class Row(string? household, string? zone, DateTimeOffset? refreshedAt)
    {
        public readonly string? Household = household, Zone = zone;
        public readonly DateTimeOffset? RefreshedAt = refreshedAt;
        public readonly List<(string, bool)> Consents = [];
        public readonly List<Identifier> Identifiers = [];
        public IReadOnlyList<string>? Lists;
    }

    readonly Dictionary<long, Row> _rows = [];
    readonly Dictionary<string, string> _households = new(StringComparer.Ordinal);
    readonly Dictionary<string, string[]> _lists = new(StringComparer.Ordinal);

    /// <summary>A profile's derived row; consents and identifiers of profiles without one are ignored.</summary>
    public void Profile(long id, string? household, string? zone, DateTimeOffset? refreshedAt)
    {
        // Members of one household share one string.
        if (household is not null) household = _households.TryGetValue(household, out var known) ? known : _households[household] = household;
        _rows[id] = new Row(household, zone, refreshedAt);
    }

    public void Consent(long id, string channel, bool granted)
    {
        if (_rows.TryGetValue(id, out var row)) row.Consents.Add((channel, granted));
    }

    public void Identifier(long id, string type, string value)
    {
        if (_rows.TryGetValue(id, out var row)) row.Identifiers.Add(new Identifier(string.Intern(type), value));
    }

    /// <summary>A profile's stored suppression lists, as <see cref="Storage.SuppressionRows.ListsPerProfile"/> gives them.</summary>
    public void Lists(long id, string lists)
    {
        if (_rows.TryGetValue(id, out var row)) row.Lists = Storage.SuppressionRows.Split(lists, _lists);
    }

    public IReadOnlyList<ContactDirectoryEntry> Build() =>
        [.. _rows.Select(r => new ContactDirectoryEntry(
            new ContactFacts(new ProfileId(r.Key), r.Value.Household, r.Value.Zone, ContactFacts.ConsentsOf(r.Value.Consents), r.Value.RefreshedAt, r.Value.Lists),
            r.Value.Identifiers))];
}
