namespace CommonGround.Profiles;

/// <summary>
/// The event summaries of profiles whose derived rows a store refreshed, each with the sequence number
/// it covers, so that the next refresh of a profile reads and folds only the events resolved since
/// instead of its whole history (which made each refresh cost grow with the history). Held in memory
/// by a store instance, bounded; a profile without a summary (first refresh, after a restart, evicted)
/// is read in full, which gives the same rows.
/// </summary>
/// <remarks>
/// A summary is valid while the events it covers stay the profile's: a merge or an unmerge moves
/// events between profiles, so saving one <see cref="Forget"/>s the profiles involved. A refresh that
/// overlapped such a save keeps nothing (<see cref="Version"/>). Thread-safe.
/// </remarks>
public sealed class ProfileEventSummaries(int capacity = 250_000)
{
    readonly record struct Entry(ProfileEventSummary Summary, long Through, long Round);

    readonly Lock _lock = new();
    readonly Dictionary<long, Entry> _entries = [];
    long _version;
    long _round;

    /// <summary>Changes whenever profiles are forgotten: read before a refresh reads anything, pass to <see cref="Keep"/>.</summary>
    public long Version
    {
        get
        {
            lock (_lock) return _version;
        }
    }

    /// <summary>How many profiles have a summary.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>
    /// Takes out the summaries of <paramref name="profiles"/> that there are, with the sequence each covers.
    /// Taken out, a summary is folded into by one refresh only; if that refresh fails, the profile is read in full next time.
    /// </summary>
    public Dictionary<long, (ProfileEventSummary Summary, long Through)> Take(IEnumerable<long> profiles)
    {
        var taken = new Dictionary<long, (ProfileEventSummary, long)>();
        lock (_lock)
        {
            foreach (var id in profiles)
            {
                if (_entries.Remove(id, out var entry)) taken[id] = (entry.Summary, entry.Through);
            }
        }
        return taken;
    }

    /// <summary>
    /// Keeps the summaries of a committed refresh, each covering the events through its sequence number,
    /// unless profiles were forgotten since <paramref name="version"/> was read.
    /// </summary>
    void KeepAll(long version, IEnumerable<(long Profile, ProfileEventSummary Summary, long Through)> summaries)
    {
        lock (_lock)
        {
            if (version != _version) return;
            var round = ++_round;
            foreach (var (profile, summary, through) in summaries) _entries[profile] = new Entry(summary, through, round);
            if (_entries.Count > capacity) Evict(capacity * 3 / 4);
        }
    }

    /// <summary>
    /// Keeps the summaries of the live profiles a committed refresh built, read when resolution had got
    /// to <paramref name="through"/>. A profile read in full whose events went past it is left out: events
    /// before that number could still be put in it.
    /// </summary>
    public void Keep(long version, long through, IEnumerable<long> live, IReadOnlyDictionary<long, ProfileRows> rows) =>
        KeepAll(version, live.Select(id => (Id: id, Rows: rows.GetValueOrDefault(id)))
            .Where(p => p.Rows is { } r && (r.Resumed || r.LastSequence <= through))
            .Select(p => (p.Id, p.Rows!.Events, Math.Max(p.Rows.LastSequence, through))));

    /// <summary>Drops the summaries of <paramref name="profiles"/>: events moved to or from them.</summary>
    public void Forget(IEnumerable<long> profiles)
    {
        lock (_lock)
        {
            _version++;
            foreach (var id in profiles) _entries.Remove(id);
        }
    }

    /// <summary>Keeps the <paramref name="keep"/> most recently refreshed profiles: those that receive events.</summary>
    void Evict(int keep)
    {
        var oldest = _entries.OrderBy(e => e.Value.Round).Take(_entries.Count - keep).Select(e => e.Key).ToList();
        foreach (var id in oldest) _entries.Remove(id);
    }
}
