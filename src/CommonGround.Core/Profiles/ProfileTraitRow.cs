using CommonGround.Identity;
using CommonGround.Records;

namespace CommonGround.Profiles;

/// <summary>
/// One row of the per-profile relation audiences are evaluated on (<c>profile_traits</c> and its
/// consents): the profile page's definitions (<see cref="ProfileFacts"/>), computed from the same rows,
/// stored so that an audience over millions of people reads columns instead of recomputing them.
/// </summary>
/// <param name="HouseholdId">The household of the person's newest customer record that has one, as on the profile page.</param>
/// <param name="Email">The first e-mail identifier, for member lists.</param>
/// <param name="CustomTraits">JSON object of <see cref="ProfileFacts.CustomTraits"/>.</param>
public sealed record ProfileTraitRow(ProfileId Id, string? HouseholdId, string? DisplayName, string? Email, ProfileTraits Traits, string? CustomTraits)
{
    /// <summary>The channels used, lower case, between commas (",email,web,"), so a membership test is a substring test; null for none.</summary>
    public string? ChannelList => Traits.Channels.Count == 0
        ? null
        : "," + string.Join(",", Traits.Channels.Select(c => c.Channel.ToLowerInvariant()).Distinct(StringComparer.Ordinal)) + ",";

    static readonly IReadOnlyDictionary<string, Sources.Source> NoSources = new Dictionary<string, Sources.Source>();

    /// <summary>Builds the row from what a store read of one surviving profile.</summary>
    /// <param name="records">Customer records in stored order, each with its household.</param>
    /// <param name="identifyTraits">Traits JSON of the profile's identify calls, oldest first.</param>
    public static ProfileTraitRow Build(ProfileId id, IReadOnlyList<EventFact> events, IReadOnlyList<string?> identifyTraits,
        IReadOnlyList<OrderRecord> orders, IReadOnlyList<(ProfileRecord Record, string? HouseholdId)> records, IReadOnlyList<Identifier> identifiers)
    {
        var summary = new ProfileEventSummary();
        for (var i = 0; i < events.Count; i++) summary.Add(events[i], i, null);
        for (var i = 0; i < identifyTraits.Count; i++) summary.AddTraits(identifyTraits[i], DateTimeOffset.MinValue, i);
        return Build(id, summary, orders, records, identifiers);
    }

    /// <summary>Builds the row from a profile's event summary and the rest a store read of it.</summary>
    /// <param name="records">Customer records in stored order, each with its household.</param>
    public static ProfileTraitRow Build(ProfileId id, ProfileEventSummary events,
        IReadOnlyList<OrderRecord> orders, IReadOnlyList<(ProfileRecord Record, string? HouseholdId)> records, IReadOnlyList<Identifier> identifiers)
    {
        var profileRecords = records.Select(r => r.Record).ToList();
        var ordered = ProfileFacts.Order(identifiers);
        return new ProfileTraitRow(
            id,
            records.LastOrDefault(r => r.HouseholdId is not null).HouseholdId,
            ProfileFacts.DisplayName(profileRecords, ordered),
            ordered.FirstOrDefault(i => i.Type == IdentifierTypes.Email).Value,
            events.Traits(orders, profileRecords, NoSources),
            events.CustomTraits(profileRecords));
    }
}

/// <summary>What a store gathers of one profile before building its <see cref="ProfileTraitRow"/>. Not thread-safe.</summary>
public sealed class ProfileRows
{
    /// <summary>
    /// The profile's events, folded in: a summary kept from an earlier refresh plus the events since,
    /// or a new one with all of them.
    /// </summary>
    public ProfileEventSummary Events { get; set; } = new();

    /// <summary>The highest sequence number folded into <see cref="Events"/> (0 for none).</summary>
    public long LastSequence { get; set; }

    /// <summary>True when <see cref="Events"/> came from an earlier refresh (<see cref="ProfileEventSummaries"/>).</summary>
    public bool Resumed { get; init; }

    /// <summary>Folds in one event read with its sequence number; identify calls with their traits.</summary>
    public void Add(EventFact e, long sequence, string? identifyTraits)
    {
        Events.Add(e, sequence, identifyTraits);
        if (sequence > LastSequence) LastSequence = sequence;
    }

    public List<OrderRecord> Orders { get; } = [];

    /// <summary>Customer records in stored order, with their households.</summary>
    public List<(ProfileRecord Record, string? HouseholdId)> Records { get; } = [];

    /// <summary>Its e-mail identifiers: all that the row reads of its identifiers (<see cref="ProfileTraitRow.Email"/>, the display name).</summary>
    public List<Identifier> Identifiers { get; } = [];

    public ProfileTraitRow Build(long id) => ProfileTraitRow.Build(new ProfileId(id), Events, Orders, Records, Identifiers);
}
