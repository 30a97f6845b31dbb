using CommonGround.Identity;

namespace CommonGround.Profiles;

/// <summary>
/// One person as every team sees them: the identifiers the identity graph resolved to one profile,
/// what their records say, the household and businesses they belong to, computed traits, and how the
/// profile came to be (merges) or was kept apart (conflicts).
/// </summary>
/// <remarks>
/// Computed when asked, from the store's current state: events and records are linked to the
/// profile through its identifiers, so a merge or unmerge changes the profile at once, without a
/// rebuild. Personal fields may have been redacted for the caller (<see cref="PersonalDataPolicy"/>).
/// </remarks>
/// <param name="Id">The surviving profile; asking for an absorbed id gives the profile it was merged into.</param>
/// <param name="Identifiers">Every identifier that resolves here, by type priority then value.</param>
/// <param name="Records">The teams' customer records linked by an external id.</param>
/// <param name="Merges">Merges this profile took part in, survivor or absorbed, oldest first, undone ones included.</param>
/// <param name="Conflicts">Links the graph refused to follow for this profile (e.g. a second userId).</param>
public sealed record Profile(
    ProfileId Id,
    DateTimeOffset CreatedAt,
    string? DisplayName,
    IReadOnlyList<Identifier> Identifiers,
    IReadOnlyList<ProfileRecord> Records,
    ProfileTraits Traits,
    HouseholdRef? Household,
    IReadOnlyList<BusinessRef> Businesses,
    IReadOnlyList<MergeRecord> Merges,
    IReadOnlyList<IdentityConflict> Conflicts);

/// <summary>A customer record of one team's system that belongs to a profile.</summary>
/// <param name="Traits">JSON object of the record's other columns.</param>
public sealed record ProfileRecord(
    string SourceId,
    string SourceName,
    string Team,
    string CustomerId,
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    string? AddressLine,
    string? PostalCode,
    string? City,
    string? Country,
    string? Company,
    DateTimeOffset? CreatedAt,
    string? Traits);

/// <summary>
/// Traits computed from every event and record of the profile, across teams and sources.
/// </summary>
/// <param name="Revenue">Sum of order totals (orders records and "Order Completed" events, each order once), in <see cref="Currency"/>; mixed currencies are summed as they are and <see cref="Currency"/> is null.</param>
/// <param name="Channels">Channels the person used, most recent first (<see cref="Channels.Of"/>).</param>
/// <param name="Consents">The latest state per channel and purpose.</param>
/// <param name="Teams">Teams whose sources know the person, with their event counts.</param>
/// <param name="TimeZone">The person's IANA time zone: the newest event's <c>context.timezone</c>, else the newest customer record's time zone trait; null when unknown.</param>
public sealed record ProfileTraits(
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    long EventCount,
    int OrderCount,
    decimal Revenue,
    string? Currency,
    IReadOnlyList<ChannelUse> Channels,
    IReadOnlyList<ConsentState> Consents,
    IReadOnlyList<TeamActivity> Teams,
    string? TimeZone = null);

public sealed record ChannelUse(string Channel, long Events, DateTimeOffset LastAt);

/// <summary>Whether a person agreed to be contacted on a channel for a purpose, and since when.</summary>
/// <param name="Channel">email, sms, phone, push, post, ...</param>
/// <param name="Purpose">marketing, analytics, ...</param>
public sealed record ConsentState(string Channel, string Purpose, bool Granted, DateTimeOffset At, string SourceId);

public sealed record TeamActivity(string Team, long Events, DateTimeOffset? LastAt);

/// <summary>The household a profile belongs to.</summary>
public sealed record HouseholdRef(string Id, string? Address, int Members);

/// <summary>A business a profile belongs to, and why (group call, e-mail domain, company field).</summary>
public sealed record BusinessRef(string Id, string? Name, string Via);

/// <summary>A short line about a profile, for search results and member lists.</summary>
public sealed record ProfileSummary(ProfileId Id, string? DisplayName, string? Email, DateTimeOffset? LastSeen);

/// <summary>
/// One thing that happened to a person, from any team's source: an event or a record.
/// </summary>
/// <param name="Kind">track, identify, page, screen, group, alias, order or customer.</param>
/// <param name="Title">What a person would call it: the event name, the page name, "Order O-123".</param>
/// <param name="Reference">The messageId of an event, the natural key of a record.</param>
/// <param name="Details">JSON object of the event's properties or traits, or the record's columns; personal fields may be redacted.</param>
public sealed record TimelineEntry(
    DateTimeOffset At,
    string Kind,
    string Title,
    string SourceId,
    string SourceName,
    string Team,
    string Reference,
    string? Details);

/// <summary>People at one normalised postal address: the level at which later contact caps also apply.</summary>
/// <param name="Key">The normalised address (and surname when configured) it was formed from.</param>
public sealed record Household(string Id, string Key, string? Address, IReadOnlyList<ProfileSummary> Members, HouseholdTraits Traits);

public sealed record HouseholdTraits(int OrderCount, decimal Revenue, DateTimeOffset? LastSeen);

/// <summary>A business and its people, formed from group calls, company fields and corporate e-mail domains.</summary>
/// <param name="Key">What formed it: "group:ID", "domain:acme.com" or "company:acme".</param>
/// <param name="Traits">JSON object of the latest group call's traits, when there was one.</param>
public sealed record Business(string Id, string Key, string? Name, string? Domain, string? Traits, IReadOnlyList<BusinessMember> Members);

public sealed record BusinessMember(ProfileSummary Profile, string Via);

/// <summary>The workspace at a glance, for the overview page.</summary>
/// <param name="ResolvedThrough">When the identity graph last caught up with arriving data; null before the first run.</param>
public sealed record WorkspaceOverview(
    long Profiles,
    long Households,
    long Businesses,
    long Events,
    long Customers,
    long Orders,
    IReadOnlyList<SourceActivity> Sources,
    DateTimeOffset? ResolvedThrough);

/// <summary>What one source has sent, and how fresh it is.</summary>
public sealed record SourceActivity(string SourceId, string Name, string Team, bool Enabled, long Events, DateTimeOffset? LastEventAt, long Records, DateTimeOffset? LastRecordAt);
