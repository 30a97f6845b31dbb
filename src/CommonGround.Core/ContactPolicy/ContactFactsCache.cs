using System.Collections.Concurrent;
using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.ContactPolicy;

/// <summary>How many customers' contact facts the server keeps, and how closely it follows their changes (section "ContactPolicy:Facts").</summary>
public sealed record ContactFactsCacheOptions
{
    /// <summary>Customers loaded when the server starts, the most recently seen first (0: none; the rest are read when first asked about).</summary>
    public int Preload { get; init; } = 1_000_000;

    /// <summary>The most identifiers kept; beyond it, customers are still answered but read from the store each time.</summary>
    public int MaxIdentifiers { get; init; } = 3_000_000;

    /// <summary>A safety net: an entry is read again after this long even if no change was reported.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long "no such customer" is remembered, so a new customer is found soon after resolution.</summary>
    public TimeSpan UnknownLifetime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the store is asked which profiles' facts changed.</summary>
    public TimeSpan FollowEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far back each question about changes reaches before the newest change already seen (or the
    /// last question, when that is later): covers rows committed a little after the time they carry,
    /// and clocks of server nodes that differ by less than this.
    /// </summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The server's directory of customers' contact facts, so a real-time decision reads no store: filled
/// at start with the most recently seen customers, kept in step by following the store's changes
/// (new and changed profiles are read again in one set-based read per round, absorbed and retired
/// ones dropped), and completed on demand for customers it does not hold. Thread-safe.
/// </summary>
/// <remarks>
/// Changes are followed by polling <see cref="IContactPolicyStore.ChangedContactFactsAsync"/>, so every
/// server node on a shared store sees the changes that any node's identity resolution made. Anonymous
/// ids are not kept (a visitor has many); asking by one reads the store.
/// </remarks>
public sealed class ContactFactsCache(IContactPolicyStore store, TimeProvider time, ContactFactsCacheOptions? options = null)
{
    sealed record Entry(ContactFacts? Facts, long Until);

    readonly ContactFactsCacheOptions _options = options ?? new ContactFactsCacheOptions();
    readonly ConcurrentDictionary<Identifier, Entry> _byIdentifier = new();
    readonly ConcurrentDictionary<long, Entry> _byProfile = new();
    // The identifiers kept for each profile, so a change or a merge moves or ends them together.
    readonly ConcurrentDictionary<long, Identifier[]> _identifiersOf = new();
    // Recent changes (newest rewrite time, when seen here), for reads on demand that raced with a change.
    readonly ConcurrentDictionary<long, (DateTimeOffset RefreshedAt, long SeenAt)> _changed = new();
    readonly SemaphoreSlim _following = new(1, 1);
    static readonly TimeSpan RaceWindow = TimeSpan.FromMinutes(1);
    DateTimeOffset? _watermark, _lastRound;

    /// <summary>Customers kept now.</summary>
    public int Customers => _byProfile.Count;

    /// <summary>Identifiers kept now.</summary>
    public int Identifiers => _byIdentifier.Count;

    /// <summary>The facts of the customer with this identifier; null when no live profile has it.</summary>
    public ValueTask<ContactFacts?> FindAsync(Identifier identifier, CancellationToken ct) =>
        _byIdentifier.TryGetValue(identifier, out var entry) && Fresh(entry)
            ? ValueTask.FromResult(entry.Facts)
            : ReadAsync(identifier, ct);

    /// <summary>The facts of a profile (its survivor's, after a merge); null when unknown or retired.</summary>
    public ValueTask<ContactFacts?> GetAsync(ProfileId profile, CancellationToken ct) =>
        _byProfile.TryGetValue(profile.Value, out var entry) && Fresh(entry)
            ? ValueTask.FromResult(entry.Facts)
            : ReadAsync(profile, ct);

    async ValueTask<ContactFacts?> ReadAsync(Identifier identifier, CancellationToken ct)
    {
        var facts = await store.FindContactFactsAsync(identifier, ct);
        if (facts is null) _byIdentifier[identifier] = new Entry(null, Until(_options.UnknownLifetime));
        else if (HasRoom && Keeps(identifier)) Keep(facts, [identifier], replace: false);
        return facts;
    }

    async ValueTask<ContactFacts?> ReadAsync(ProfileId profile, CancellationToken ct)
    {
        var facts = await store.GetContactFactsAsync(profile, ct);
        if (facts is null) _byProfile[profile.Value] = new Entry(null, Until(_options.UnknownLifetime));
        else if (HasRoom) Keep(facts, [], replace: false);
        return facts;
    }

    bool HasRoom => _byIdentifier.Count < _options.MaxIdentifiers;

    static bool Keeps(Identifier identifier) => identifier.Type != IdentifierTypes.AnonymousId;

    bool Fresh(Entry entry)
    {
        if (time.GetTimestamp() >= entry.Until) return false;
        if (entry.Facts is not { } facts || !_changed.TryGetValue(facts.Profile.Value, out var change)) return true;
        return facts.RefreshedAt is { } read && change.RefreshedAt <= read;
    }

    /// <summary>
    /// Keeps a customer's facts under their profile and identifiers; with <paramref name="replace"/>,
    /// <paramref name="identifiers"/> are all of theirs, and identifiers kept for them before that are no
    /// longer theirs (an unmerge) end.
    /// </summary>
    void Keep(ContactFacts facts, IReadOnlyList<Identifier> identifiers, bool replace)
    {
        var id = facts.Profile.Value;
        var entry = new Entry(facts, Until(_options.Lifetime));
        _byProfile[id] = entry;
        var kept = identifiers.Where(Keeps).ToArray();
        foreach (var identifier in kept) _byIdentifier[identifier] = entry;
        if (replace)
        {
            if (_identifiersOf.TryGetValue(id, out var before)) EndUnlessTheirs(id, before.Except(kept));
            _identifiersOf[id] = kept;
        }
        else
        {
            _identifiersOf.AddOrUpdate(id, kept, (_, known) => [.. known.Union(kept)]);
        }
    }

    void Drop(long profile)
    {
        _byProfile.TryRemove(profile, out _);
        if (_identifiersOf.TryRemove(profile, out var identifiers)) EndUnlessTheirs(profile, identifiers);
    }

    void EndUnlessTheirs(long profile, IEnumerable<Identifier> identifiers)
    {
        foreach (var identifier in identifiers)
        {
            if (_byIdentifier.TryGetValue(identifier, out var entry) && entry.Facts?.Profile.Value == profile) _byIdentifier.TryRemove(identifier, out _);
        }
    }

    /// <summary>Loads the most recently seen customers (<see cref="ContactFactsCacheOptions.Preload"/>); returns how many.</summary>
    public async Task<int> PreloadAsync(CancellationToken ct)
    {
        if (_options.Preload <= 0) return 0;
        var entries = await store.ReadContactDirectoryAsync(null, Math.Min(_options.Preload, _options.MaxIdentifiers), ct);
        await _following.WaitAsync(ct);
        try
        {
            // Newer facts that a change or a read on demand brought meanwhile are kept.
            foreach (var entry in entries)
            {
                if (!_byProfile.TryGetValue(entry.Facts.Profile.Value, out var known) || known.Facts?.RefreshedAt is not { } at || at < entry.Facts.RefreshedAt)
                    Keep(entry.Facts, entry.Identifiers, replace: true);
            }
        }
        finally
        {
            _following.Release();
        }
        return entries.Count;
    }

    /// <summary>
    /// Asks the store which profiles' facts changed since the last call (with <see cref="ContactFactsCacheOptions.Overlap"/>),
    /// reads the changed customers again in one set-based read (new customers join while there is
    /// room), and drops absorbed or retired ones. Returns how many customers were read.
    /// </summary>
    public async Task<int> FollowChangesAsync(CancellationToken ct)
    {
        await _following.WaitAsync(ct);
        try
        {
            // From the newest change seen, or from the last round when nothing changed since: so a quiet
            // store stops returning its last changes once they are older than the overlap.
            var startedAt = time.GetUtcNow();
            var since = (_watermark is { } seen && _lastRound is { } last ? Max(seen, last) : _watermark ?? startedAt) - _options.Overlap;
            var changes = await store.ChangedContactFactsAsync(since, ct);
            var now = time.GetTimestamp();
            var stale = new HashSet<ProfileId>();
            foreach (var change in changes)
            {
                var profile = change.Profile.Value;
                // Most changes of the overlap were seen in the last round: they cost a lookup, not a write.
                if (_changed.TryGetValue(profile, out var known) && known.RefreshedAt >= change.RefreshedAt) continue;
                _changed[profile] = (change.RefreshedAt, now);
                if (!_byProfile.TryGetValue(profile, out var entry) || entry.Facts?.RefreshedAt is not { } read || read < change.RefreshedAt)
                    stale.Add(change.Profile);
                if (_watermark is not { } w || change.RefreshedAt > w) _watermark = change.RefreshedAt;
            }
            _watermark ??= since + _options.Overlap;
            _lastRound = startedAt;

            IReadOnlyList<ContactDirectoryEntry> entries = [];
            if (stale.Count > 0)
            {
                entries = await store.ReadContactDirectoryAsync(stale, stale.Count, ct);
                var live = new HashSet<long>();
                foreach (var entry in entries)
                {
                    live.Add(entry.Facts.Profile.Value);
                    if (HasRoom || _byProfile.ContainsKey(entry.Facts.Profile.Value)) Keep(entry.Facts, entry.Identifiers, replace: true);
                }
                foreach (var profile in stale)
                {
                    if (!live.Contains(profile.Value)) Drop(profile.Value);
                }
            }

            var forget = now - Ticks(RaceWindow);
            foreach (var (profile, change) in _changed)
            {
                if (change.SeenAt < forget) _changed.TryRemove(profile, out _);
            }
            return entries.Count;
        }
        finally
        {
            _following.Release();
        }
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    long Until(TimeSpan lifetime) => time.GetTimestamp() + Ticks(lifetime);

    long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
