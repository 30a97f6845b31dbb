using System.Text.Json;
using CommonGround.Events;
using CommonGround.Profiles;
using CommonGround.Records;
using CommonGround.Storage;

namespace CommonGround.Identity;

/// <summary>
/// Keeps the identity graph in step with the store: reads the events and customer records stored
/// since it last stopped (in their store-wide sequence), extends the graph with them, and saves what
/// changed (identifiers, profiles, merges, conflicts, households, businesses) in one transaction per
/// step. Never rebuilds: on start it loads the newest checkpoint and replays only what came after it,
/// which gives the same ids because resolution is deterministic.
/// </summary>
/// <remarks>
/// Thread-safe: steps, unmerges and checkpoints take turns. One resolver per store: with several
/// server nodes on one PostgreSQL database, let one of them resolve (Identity:Resolve).
/// </remarks>
public sealed class IdentityResolver(IStore store, IdentityOptions identity, HouseholdOptions households, TimeProvider time)
{
    /// <summary>Evidence read per step: one transaction each.</summary>
    public int StepSize { get; init; } = 20_000;

    /// <summary>A checkpoint is saved with the first step after this long since the last one.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    readonly SemaphoreSlim _gate = new(1, 1);
    IdentityGraph? _graph;
    long _through;
    DateTimeOffset _lastCheckpoint;
    bool _dirtySinceCheckpoint;

    /// <summary>The sequence resolved through (0 before anything was resolved).</summary>
    public long Through => _through;

    /// <summary>
    /// Resolves everything stored so far, step by step. <paramref name="progress"/> gets the evidence
    /// count after each step. Returns how much evidence was resolved.
    /// </summary>
    public async Task<long> CatchUpAsync(IProgress<long>? progress, CancellationToken ct)
    {
        long total = 0;
        await _gate.WaitAsync(ct);
        try
        {
            var graph = await LoadAsync(ct);
            long unrefreshed = 0;
            while (true)
            {
                var n = await StepAsync(graph, ct);
                // Refreshed once caught up, or after RefreshAfter evidence when far behind: a profile touched by
                // several steps is refreshed once, and derived rows never lag far behind.
                unrefreshed += n;
                if (n < StepSize || unrefreshed >= RefreshAfter)
                {
                    await RefreshAsync(ct);
                    unrefreshed = 0;
                }
                if (n == 0) break;
                total += n;
                progress?.Report(total);
            }
        }
        finally
        {
            _gate.Release();
        }
        Func<CancellationToken, Task>[] after;
        lock (_afterCatchUp) after = [.. _afterCatchUp];
        foreach (var callback in after) await callback(ct);
        return total;
    }

    readonly List<Func<CancellationToken, Task>> _afterCatchUp = [];

    /// <summary>
    /// Runs <paramref name="callback"/> after every catch-up, when the profiles of everything stored
    /// so far are known (e.g. to count "Message Sent" events whose user was new).
    /// </summary>
    public void AfterCatchUp(Func<CancellationToken, Task> callback)
    {
        lock (_afterCatchUp) _afterCatchUp.Add(callback);
    }

    /// <summary>Saves a checkpoint of the graph now, if anything changed since the last one.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_graph is null || !_dirtySinceCheckpoint) return;
            await store.Identity.SaveAsync(Empty(Checkpoint(_graph)), ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Undoes a merge (see <see cref="IdentityGraph.Unmerge"/>) after catching up, saves the result
    /// and a checkpoint, so the split survives a restart. Returns the profiles the merged profile was
    /// rebuilt into.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No merge has this id.</exception>
    /// <exception cref="InvalidOperationException">The merge is no longer active.</exception>
    public async Task<IReadOnlyList<ProfileId>> UnmergeAsync(long mergeId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var graph = await LoadAsync(ct);
            while (await StepAsync(graph, ct) > 0) { }

            if (mergeId < 1 || mergeId > graph.Merges.Count) throw new KeyNotFoundException($"There is no merge {mergeId}.");
            var merge = graph.Merges[(int)mergeId - 1];
            var root = graph.GetProfile(merge.Survivor)?.Id ?? merge.Survivor;
            var before = graph.ToState();
            var component = before.Profiles.Where(p => Root(before, p.Id) == root).Select(p => p.Id).ToHashSet();

            var result = graph.Unmerge(mergeId);

            var after = graph.ToState();
            var identifiers = new List<IdentifierLink>();
            var seen = new HashSet<ProfileId>();
            foreach (var id in component)
            {
                if (graph.GetProfile(id) is { } profile && seen.Add(profile.Id))
                    identifiers.AddRange(profile.Identifiers.Select(i => Link(i, profile.Id)));
            }
            var profiles = after.Profiles.Where(p => component.Contains(p.Id)).ToList();
            var merges = graph.Merges.Where(m => component.Contains(m.Survivor) || component.Contains(m.Absorbed)).ToList();
            var changes = new IdentityChanges(_through, time.GetUtcNow(), identifiers, profiles, merges, [], [], [], [], [], Checkpoint(graph))
            {
                Repoint = [.. component],
            };
            await store.Identity.SaveAsync(changes, ct);
            await RefreshAsync(ct);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    static ProfileId Root(IdentityGraphState state, ProfileId id)
    {
        // MergedInto already names the surviving profile (see ProfileState).
        var p = state.Profiles[(int)id.Value - 1];
        return p.MergedInto ?? p.Id;
    }

    async Task<IdentityGraph> LoadAsync(CancellationToken ct)
    {
        if (_graph is not null) return _graph;
        var checkpoint = await store.Identity.LoadCheckpointAsync(ct);
        if (checkpoint is null)
        {
            _graph = new IdentityGraph(identity, time);
            _through = 0;
        }
        else
        {
            _graph = IdentityGraph.FromState(IdentitySnapshot.Read(checkpoint.Graph), identity, time);
            _through = checkpoint.Sequence;
        }
        _lastCheckpoint = time.GetUtcNow();
        return _graph;
    }

    async Task<int> StepAsync(IdentityGraph graph, CancellationToken ct)
    {
        var batch = await store.Identity.ReadEvidenceAsync(_through, StepSize, ct);
        if (batch.Count == 0) return 0;

        var mergesBefore = graph.Merges.Count;
        var conflictsBefore = graph.Conflicts.Count;
        var identifiersBefore = graph.IdentifierCount;
        var profilesBefore = graph.LastProfileId;
        var touched = new HashSet<ProfileId>();
        var householdRows = new Dictionary<string, HouseholdRow>(StringComparer.Ordinal);
        var businessRows = new Dictionary<string, BusinessRow>(StringComparer.Ordinal);
        var customers = new List<CustomerLink>();
        var links = new List<BusinessLink>();

        var eventProfiles = new List<EventProfile>();
        foreach (var item in batch)
        {
            if (item.Event is { } e)
            {
                if (graph.Observe(IdentityEvidence.From(e)) is { } id)
                {
                    touched.Add(id);
                    eventProfiles.Add(new EventProfile(item.Sequence, id));
                }
                if (e.Type == EventType.Group) GroupCall(graph, e, businessRows, links);
            }
            else if (item.Customer is { } c)
            {
                if (graph.Observe(IdentityEvidence.From(c, c.CreatedAt ?? time.GetUtcNow())) is { } id) touched.Add(id);
                customers.Add(Customer(c, householdRows, businessRows));
            }
        }

        var merges = new List<MergeRecord>();
        var profiles = new Dictionary<ProfileId, ProfileState>();
        for (var i = mergesBefore; i < graph.Merges.Count; i++)
        {
            var m = graph.Merges[i];
            merges.Add(m);
            touched.Add(m.Survivor);
        }
        // Written: what changed. An identifier's profile changes when it is first seen or when its profile
        // merges; a profile's row when it is created or absorbed. The other touched profiles only got events:
        // they are queued for their derived rows. (Rewriting every identifier of every touched profile was
        // most of a step's save.)
        var identifiers = new List<IdentifierLink>();
        var written = new HashSet<ProfileId>();
        var queued = new HashSet<ProfileId>();
        void Write(Identifier identifier, ProfileId profile)
        {
            var link = Link(identifier, profile);
            identifiers.Add(link);
            if (link.BusinessId is not null && BusinessKey.FromEmail(identifier.Value) is { } b)
                businessRows.TryAdd(b.Id, new BusinessRow(b.Id, b.Key, null, b.Domain, null));
        }
        foreach (var identifier in graph.IdentifiersSince(identifiersBefore))
        {
            if (graph.ProfileOf(identifier) is { } profile) Write(identifier, profile);
        }
        foreach (var m in merges)
        {
            if (graph.GetProfile(m.Survivor) is not { } profile || !written.Add(profile.Id)) continue;
            foreach (var identifier in profile.Identifiers) Write(identifier, profile.Id);
        }
        foreach (var id in touched)
        {
            if (graph.GetProfile(id) is not { } profile) continue;
            if (profile.Id.Value > profilesBefore || written.Contains(profile.Id))
                profiles[profile.Id] = new ProfileState(profile.Id, profile.CreatedAt, 0, null, false);
            else
                queued.Add(profile.Id);
        }
        foreach (var m in merges)
        {
            if (graph.GetProfile(m.Absorbed) is { } survivor)
                profiles[m.Absorbed] = new ProfileState(m.Absorbed, m.Time, 0, survivor.Id, false);
        }
        var conflicts = new List<NumberedConflict>();
        for (var i = conflictsBefore; i < graph.Conflicts.Count; i++) conflicts.Add(new NumberedConflict(i + 1, graph.Conflicts[i]));

        _through = batch[^1].Sequence;
        _dirtySinceCheckpoint = true;
        var now = time.GetUtcNow();
        var checkpoint = now - _lastCheckpoint >= CheckpointInterval ? Checkpoint(graph) : null;
        await store.Identity.SaveAsync(new IdentityChanges(
            _through, now, identifiers, [.. profiles.Values], merges, conflicts, [.. householdRows.Values],
            [.. businessRows.Values], customers, links, checkpoint) { EventProfiles = eventProfiles, Touched = [.. queued] }, ct);
        return batch.Count;
    }

    /// <summary>Brings the relations audiences read up to date with what was saved (and with order imports).</summary>
    async Task RefreshAsync(CancellationToken ct)
    {
        while (await store.Audiences.RefreshAsync(RefreshSize, ct) > 0) { }
    }

    /// <summary>Profiles whose audience rows are recomputed per transaction.</summary>
    public int RefreshSize { get; init; } = 20_000;

    /// <summary>While catching up, derived rows are refreshed at least after this much evidence.</summary>
    public int RefreshAfter { get; init; } = 100_000;

    IdentifierLink Link(Identifier identifier, ProfileId profile) =>
        new(identifier, profile, identifier.Type == IdentifierTypes.Email ? BusinessKey.FromEmail(identifier.Value)?.Id : null);

    CustomerLink Customer(CustomerRecord c, Dictionary<string, HouseholdRow> householdRows, Dictionary<string, BusinessRow> businessRows)
    {
        string? householdId = null;
        if (HouseholdKey.Of(c.AddressLine, c.PostalCode, c.City, c.Country, c.LastName, households) is { } key)
        {
            householdId = HouseholdKey.IdOf(key);
            householdRows.TryAdd(householdId, new HouseholdRow(householdId, key, Address(c)));
        }
        string? businessId = null;
        if (!string.IsNullOrWhiteSpace(c.Company)
            && Businesses.Resolve(null, [c.Email], [c.Company]).FirstOrDefault(b => b.Name is not null) is { } business)
        {
            businessId = business.Id;
            businessRows[business.Id] = new BusinessRow(business.Id, business.Key, business.Name, business.Domain, null);
        }
        return new CustomerLink(c.SourceId, c.CustomerId, householdId, businessId);
    }

    static string? Address(CustomerRecord c)
    {
        var place = string.Join(" ", new[] { c.PostalCode, c.City }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var parts = new[] { c.AddressLine, place, c.Country }.Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
        return parts.Length == 0 ? null : string.Join(", ", parts);
    }

    static void GroupCall(IdentityGraph graph, TrackedEvent e, Dictionary<string, BusinessRow> businessRows, List<BusinessLink> links)
    {
        string? name = null, website = null, email = null;
        if (e.Traits is { Length: > 2 } traits)
        {
            try
            {
                using var doc = JsonDocument.Parse(traits);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    name = Text(doc.RootElement, "name");
                    website = Text(doc.RootElement, "website");
                    email = Text(doc.RootElement, "email");
                }
            }
            catch (JsonException)
            {
                // Validated on the way in; a malformed member names nothing.
            }
        }
        var business = Businesses.Resolve([new GroupMembership(e.GroupId, name, website)], [email], null)
            .FirstOrDefault(b => b.Evidence == BusinessEvidence.Group);
        if (business is null) return;
        businessRows[business.Id] = new BusinessRow(business.Id, business.Key, business.Name, business.Domain, e.Traits);
        foreach (var (type, value) in new[] { (IdentifierTypes.UserId, e.UserId), (IdentifierTypes.AnonymousId, e.AnonymousId) })
        {
            if (graph.Normalizer.TryNormalize(type, value, out var identifier))
                links.Add(new BusinessLink(business.Id, identifier, "group"));
        }
    }

    static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    IdentityCheckpoint Checkpoint(IdentityGraph graph)
    {
        var now = time.GetUtcNow();
        _lastCheckpoint = now;
        _dirtySinceCheckpoint = false;
        return new IdentityCheckpoint(_through, now, IdentitySnapshot.Write(graph.ToState()));
    }

    IdentityChanges Empty(IdentityCheckpoint checkpoint) =>
        new(_through, time.GetUtcNow(), [], [], [], [], [], [], [], [], checkpoint);
}
