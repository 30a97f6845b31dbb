using CommonGround.Access;
using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using CommonGround.Campaigns;
using CommonGround.Catalog;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using CommonGround.Sources;

namespace CommonGround.Storage;

/// <summary>
/// The only storage port. DuckDB (embedded, the default) and PostgreSQL implement it, and both pass
/// the same conformance tests. Methods are use cases, grouped by role; no SQL, connection or
/// queryable crosses it. Implementations are thread-safe.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>"duckdb" or "postgres".</summary>
    string Provider { get; }

    IEventStore Events { get; }
    ISourceStore Sources { get; }
    IApiKeyStore ApiKeys { get; }
    ICatalogStore Catalog { get; }
    IRecordStore Records { get; }
    IIdentityStore Identity { get; }
    IProfileStore Profiles { get; }
    IAudienceStore Audiences { get; }
    ICampaignStore Campaigns { get; }
    IContactPolicyStore ContactPolicy { get; }
    ISuppressionListStore SuppressionLists { get; }

    /// <summary>Applies the numbered schema migrations that are not applied yet. Idempotent.</summary>
    Task MigrateAsync(CancellationToken ct);
}

public interface IEventStore
{
    /// <summary>
    /// Stores the events in one transaction and returns once it is durable (committed). An event whose
    /// (SourceId, MessageId) is already stored, or repeated within <paramref name="events"/>, is
    /// skipped. Returns how many were newly stored.
    /// </summary>
    Task<int> AppendAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct);

    /// <summary>Every stored event with this messageId, across sources (ids are unique per source only).</summary>
    Task<IReadOnlyList<TrackedEvent>> FindByMessageIdAsync(string messageId, CancellationToken ct);

    /// <summary>How many events are stored, for one source or for all.</summary>
    Task<long> CountAsync(string? sourceId, CancellationToken ct);

    /// <summary>Keeps a refused request with its reason, so that bad input is never simply lost.</summary>
    Task AddRejectAsync(RejectedPayload reject, CancellationToken ct);

    /// <summary>The newest refused requests first, for one source or for all.</summary>
    Task<IReadOnlyList<RejectedPayload>> ListRejectsAsync(string? sourceId, int limit, CancellationToken ct);
}

public interface ISourceStore
{
    /// <exception cref="ConflictException">A source with that name exists already.</exception>
    Task AddAsync(Source source, CancellationToken ct);

    Task<Source?> FindAsync(string id, CancellationToken ct);
    Task<Source?> FindByNameAsync(string name, CancellationToken ct);
    Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken ct);
    Task<IReadOnlyList<Source>> ListAsync(CancellationToken ct);

    /// <returns>False when no source has that id.</returns>
    Task<bool> SetEnabledAsync(string id, bool enabled, CancellationToken ct);
}

public interface IApiKeyStore
{
    Task AddAsync(ApiKey key, CancellationToken ct);
    Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken ct);
    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct);

    /// <returns>False when no active key has that id.</returns>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct);
}

public interface ICatalogStore
{
    /// <summary>
    /// Adds what arrived to the catalog: new fields are created with the observation's team as owner
    /// and its personal guess; known fields get their count, last-seen time and value type updated.
    /// Owner, personal flag and description of a declared field are never changed here.
    /// </summary>
    Task ObserveAsync(IReadOnlyCollection<CatalogObservation> observations, CancellationToken ct);

    Task<IReadOnlyList<CatalogField>> ListAsync(DataType? dataType, CancellationToken ct);
    Task<CatalogField?> FindAsync(CatalogFieldKey key, CancellationToken ct);

    /// <summary>Applies a person's edit and marks the field declared. Null when the field is unknown.</summary>
    Task<CatalogField?> UpdateAsync(CatalogFieldKey key, CatalogFieldEdit edit, CancellationToken ct);
}

public interface IRecordStore
{
    /// <summary>Inserts or updates by (SourceId, CustomerId) in one transaction; identical rows are left alone.</summary>
    Task<UpsertResult> UpsertCustomersAsync(IReadOnlyList<CustomerRecord> customers, CancellationToken ct);

    /// <summary>Inserts or updates by (SourceId, OrderId) in one transaction; identical rows are left alone.</summary>
    Task<UpsertResult> UpsertOrdersAsync(IReadOnlyList<OrderRecord> orders, CancellationToken ct);

    Task<CustomerRecord?> FindCustomerAsync(string sourceId, string customerId, CancellationToken ct);
    Task<OrderRecord?> FindOrderAsync(string sourceId, string orderId, CancellationToken ct);
    Task<long> CountCustomersAsync(string? sourceId, CancellationToken ct);
    Task<long> CountOrdersAsync(string? sourceId, CancellationToken ct);
}

/// <summary>
/// What the identity resolver reads and writes. Events and customer records carry one store-wide
/// sequence number, given in commit order, so the resolver can take up exactly where it stopped.
/// </summary>
public interface IIdentityStore
{
    /// <summary>
    /// Events and customer records stored after <paramref name="afterSequence"/>, in sequence order,
    /// at most <paramref name="limit"/>. A customer record updated since appears once, at its new sequence.
    /// An event's context may be left out (null) when it names neither traits nor a device, which is all
    /// that resolution reads of it (<see cref="IdentityEvidence.From(Events.TrackedEvent)"/>).
    /// </summary>
    Task<IReadOnlyList<SequencedEvidence>> ReadEvidenceAsync(long afterSequence, int limit, CancellationToken ct);

    /// <summary>The newest saved checkpoint of the graph, or null before the first.</summary>
    Task<IdentityCheckpoint?> LoadCheckpointAsync(CancellationToken ct);

    /// <summary>
    /// Saves one step of resolution in one transaction: identifiers and profiles as they now are, new
    /// or changed merges, new conflicts, households and businesses, the sequence resolved through and,
    /// when given, a checkpoint. Idempotent: saving the same changes again changes nothing.
    /// </summary>
    Task SaveAsync(IdentityChanges changes, CancellationToken ct);

    /// <summary>How far resolution has come: the sequence resolved through and when (null before the first run).</summary>
    Task<(long Sequence, DateTimeOffset? At)> ProgressAsync(CancellationToken ct);
}

/// <summary>Read side of profiles, households and businesses; computed from the stored events, records and identity links.</summary>
public interface IProfileStore
{
    /// <summary>The surviving profile an identifier resolves to, or null.</summary>
    Task<ProfileId?> FindAsync(Identifier identifier, CancellationToken ct);

    /// <summary>
    /// Profiles whose identifier value starts with <paramref name="text"/> (case-insensitive), or whose
    /// record names contain it, best matches first.
    /// </summary>
    Task<IReadOnlyList<ProfileSummary>> SearchAsync(string text, int limit, CancellationToken ct);

    /// <summary>The profile, following merges to the survivor; null if unknown or emptied by an unmerge.</summary>
    Task<Profile?> GetAsync(ProfileId id, CancellationToken ct);

    /// <summary>
    /// Newest first (then by reference, kind and source, descending); only entries after
    /// <paramref name="after"/> in that order when given.
    /// </summary>
    Task<IReadOnlyList<TimelineEntry>> TimelineAsync(ProfileId id, TimelineCursor? after, int limit, CancellationToken ct);

    Task<Household?> GetHouseholdAsync(string id, CancellationToken ct);
    Task<Business?> GetBusinessAsync(string id, CancellationToken ct);
    Task<WorkspaceOverview> OverviewAsync(CancellationToken ct);
}

/// <summary>
/// Saved audiences, their evaluation inside the database (compiled by
/// <see cref="Audiences.Sql.AudienceSqlCompiler"/> in the provider's dialect; members never travel to
/// the application to be counted), membership snapshots, and the per-profile relations audiences read.
/// </summary>
public interface IAudienceStore
{
    /// <exception cref="ConflictException">An audience with that name exists already.</exception>
    Task AddAsync(Audience audience, CancellationToken ct);

    /// <summary>Replaces name, description, rule, text and the updated-by/at of an audience. False when it is unknown.</summary>
    /// <exception cref="ConflictException">Another audience has the new name.</exception>
    Task<bool> UpdateAsync(Audience audience, CancellationToken ct);

    Task<Audience?> FindAsync(string id, CancellationToken ct);
    Task<Audience?> FindByNameAsync(string name, CancellationToken ct);

    /// <summary>Every audience, by name.</summary>
    Task<IReadOnlyList<Audience>> ListAsync(CancellationToken ct);

    /// <summary>Deletes the audience and its snapshots. False when it is unknown.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken ct);

    /// <summary>The SQL and parameters the store would run for the rule, relative times resolved against <paramref name="asOf"/>.</summary>
    /// <exception cref="AudienceCompileException">The rule refers to an unknown audience or to itself through others.</exception>
    Task<CompiledAudience> CompileAsync(AudienceDefinition definition, DateTimeOffset asOf, CancellationToken ct);

    /// <summary>Size, households, a sample of members and reach per channel, counted in the database.</summary>
    /// <exception cref="AudienceCompileException">As for <see cref="CompileAsync"/>.</exception>
    Task<AudiencePreview> PreviewAsync(AudienceDefinition definition, DateTimeOffset asOf, int sampleSize, CancellationToken ct);

    /// <summary>
    /// Stores the audience's members as of <paramref name="asOf"/> (INSERT ... SELECT inside the
    /// database) with the time it was taken. Null when the audience is unknown.
    /// </summary>
    /// <exception cref="AudienceCompileException">As for <see cref="CompileAsync"/>.</exception>
    Task<AudienceSnapshot?> SnapshotAsync(string audienceId, DateTimeOffset asOf, CancellationToken ct);

    /// <summary>The audience's snapshots, newest first.</summary>
    Task<IReadOnlyList<AudienceSnapshot>> ListSnapshotsAsync(string audienceId, CancellationToken ct);

    Task<AudienceSnapshot?> FindSnapshotAsync(long snapshotId, CancellationToken ct);

    /// <summary>Members of a snapshot by profile id, those after <paramref name="afterProfile"/> (0 for the first page).</summary>
    Task<IReadOnlyList<AudienceMember>> MembersAsync(long snapshotId, long afterProfile, int limit, CancellationToken ct);

    /// <summary>
    /// Whether the person was in the audience at <paramref name="at"/>, by the latest snapshot whose
    /// as-of time is at or before it; merges since then are followed (a person merged into another
    /// counts as that other). Null when no snapshot of the audience is that old.
    /// </summary>
    Task<bool?> WasMemberAsync(ProfileId profileId, string audienceId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Recomputes the per-profile relations audiences read (traits, consents, businesses, households)
    /// for profiles whose data changed since (queued by identity resolution and order imports), at most
    /// <paramref name="limit"/> profiles. Returns how many were recomputed; 0 when none wait.
    /// </summary>
    Task<int> RefreshAsync(int limit, CancellationToken ct);
}
