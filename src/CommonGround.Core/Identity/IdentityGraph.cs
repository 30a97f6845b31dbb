using System.Runtime.InteropServices;

namespace CommonGround.Identity;

/// <summary>
/// Deterministic, incremental identity resolution: identifiers seen together in one observation
/// belong to one profile, and an observation that links existing profiles merges them, within limits.
/// </summary>
/// <remarks>
/// <para><b>Resolution.</b> An observation's identifiers are normalised (junk and invalid values are
/// counted and ignored) and taken in priority order (<see cref="IdentityOptions.Types"/>, then the
/// order they were given). The first one is the anchor. The observation's profile is the anchor's; a
/// new anchor joins the first profile of the observation that has room for its type, or founds a new
/// profile. Every other identifier is then taken in turn: a new one is added to the profile if its
/// type has room, a known one in another profile merges that profile in. A merge is refused, and
/// recorded as an <see cref="IdentityConflict"/> with both profiles, the identifier and the evidence,
/// when the two profiles together would exceed a type's <see cref="IdentifierTypeOptions.MaxPerProfile"/>
/// (so two distinct userIds never merge two people), exceed <see cref="IdentityOptions.MaxMergesPerProfile"/>,
/// or were split by an unmerge (see <see cref="Unmerge"/>). The older profile (lower id) always
/// survives a merge; the absorbed id keeps resolving to it. Given the same observations in the same
/// order, ids, merges and conflicts are the same.</para>
/// <para><b>Data structures.</b> Identifiers are interned per type in a dictionary keyed by the
/// normalised string, then live in parallel arrays (type, value, profile, next-in-profile). Profiles are
/// nodes of a union-find over arrays (parent with path halving, per-type counts, merge counts), with
/// linked lists of their identifiers and nodes so a merge is O(1) and a profile is listed without a
/// scan. Observations are kept as identifier indices in one flat list, so an unmerge can replay them.</para>
/// <para><b>Thread-safety.</b> Not thread-safe: one writer at a time; readers must not run during writes.</para>
/// </remarks>
public sealed class IdentityGraph
{
    const int Unassigned = -1;

    readonly IdentifierNormalizer _normalizer;
    readonly TimeProvider _time;
    readonly Dictionary<string, int> _typeIndex = new(StringComparer.Ordinal);
    readonly string[] _typeNames;
    readonly int[] _maxPerType;
    readonly int _typeCount;
    readonly int _maxMerges;
    readonly Dictionary<string, int>[] _byValue;

    // Identifiers, indexed by interning order.
    int _idCount;
    int[] _idType = new int[64];
    string[] _idValue = new string[64];
    int[] _idNode = new int[64];
    int[] _idNext = new int[64];

    // Profile nodes, indexed by ProfileId - 1.
    int _nodeCount;
    int[] _parent = new int[64];
    int[] _idHead = new int[64];
    int[] _idTail = new int[64];
    int[] _nodeNext = new int[64];
    int[] _nodeTail = new int[64];
    int[] _mergeCount = new int[64];
    int[] _founding = new int[64];
    int[] _epoch = new int[64];
    bool[] _retired = new bool[64];
    DateTimeOffset[] _createdAt = new DateTimeOffset[64];
    int[] _counts;

    readonly List<int> _observationIds = [];
    readonly List<Observation> _observations = [];
    readonly List<MergeRecord> _merges = [];
    readonly List<IdentityConflict> _conflicts = [];
    readonly List<Block> _blocks = [];
    readonly List<int> _scratch = [];
    int[] _order = new int[16];

    // Set only while an unmerge replays evidence.
    int _currentEpoch;
    bool _replaying;
    Dictionary<(int Observation, int Survivor, int Absorbed), int>? _replayMerges;
    Dictionary<int, int>? _replayNodes;

    public IdentityGraph(IdentityOptions options, TimeProvider time)
    {
        _normalizer = new IdentifierNormalizer(options);
        _time = time;
        var types = options.EffectiveTypes;
        _typeCount = types.Count;
        _typeNames = new string[_typeCount];
        _maxPerType = new int[_typeCount];
        _byValue = new Dictionary<string, int>[_typeCount];
        for (var t = 0; t < _typeCount; t++)
        {
            _typeNames[t] = types[t].Name;
            _maxPerType[t] = types[t].MaxPerProfile ?? int.MaxValue;
            _byValue[t] = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!_typeIndex.TryAdd(types[t].Name, t))
                throw new ArgumentException($"Identifier type '{types[t].Name}' is configured twice.", nameof(options));
        }
        _maxMerges = options.MaxMergesPerProfile;
        _counts = new int[64 * _typeCount];
    }

    public IdentifierNormalizer Normalizer => _normalizer;

    /// <summary>Values ignored because they were empty or on the junk list.</summary>
    public long JunkIgnored { get; private set; }

    /// <summary>Values ignored because they were malformed for their type or of an unknown type.</summary>
    public long InvalidIgnored { get; private set; }

    /// <summary>Distinct identifiers known (including those a conflict left without a profile).</summary>
    public int IdentifierCount => _idCount;

    /// <summary>The highest profile id given so far: profiles are numbered from 1 as they are created.</summary>
    public long LastProfileId => _nodeCount;

    /// <summary>The identifiers first seen after the graph held <paramref name="count"/> (see <see cref="IdentifierCount"/>), in that order.</summary>
    public IEnumerable<Identifier> IdentifiersSince(int count)
    {
        for (var i = Math.Max(0, count); i < _idCount; i++) yield return IdentifierAt(i);
    }

    /// <summary>Observations recorded (those with at least one usable identifier).</summary>
    public int ObservationCount => _observations.Count;

    /// <summary>Every merge, in order; undone ones stay with their status.</summary>
    public IReadOnlyList<MergeRecord> Merges => _merges;

    /// <summary>Every refused link, in order. Append-only history: an unmerge's replay adds none.</summary>
    public IReadOnlyList<IdentityConflict> Conflicts => _conflicts;

    /// <summary>Surviving profiles that hold at least one identifier (counted by a scan of the profiles).</summary>
    public int ProfileCount
    {
        get
        {
            var n = 0;
            for (var i = 0; i < _nodeCount; i++) if (_parent[i] == i && _idHead[i] != Unassigned) n++;
            return n;
        }
    }

    /// <summary>
    /// Takes one observation into the graph; returns the profile it resolved to (the anchor's), or null
    /// when none of its identifiers was usable.
    /// </summary>
    public ProfileId? Observe(IdentityEvidence evidence)
    {
        _scratch.Clear();
        var identifiers = evidence.Identifiers;
        for (var i = 0; i < identifiers.Count; i++)
        {
            var raw = identifiers[i];
            switch (_normalizer.Normalize(raw.Type, raw.Value, out var type, out var value))
            {
                case IdentifierVerdict.Accepted:
                    var index = Intern(type, value!);
                    if (!_scratch.Contains(index)) _scratch.Add(index);
                    break;
                case IdentifierVerdict.Junk:
                    JunkIgnored++;
                    break;
                default:
                    InvalidIgnored++;
                    break;
            }
        }
        if (_scratch.Count == 0) return null;
        var observation = _observations.Count;
        _observations.Add(new Observation(_observationIds.Count, _scratch.Count, evidence.Reference, evidence.Time));
        _observationIds.AddRange(_scratch);
        var root = Resolve(observation);
        return root < 0 ? null : IdOf(root);
    }

    /// <summary>The profile an identifier resolves to, or null when it is unknown or has none.</summary>
    public ProfileId? ProfileOf(Identifier identifier)
    {
        if (!_typeIndex.TryGetValue(identifier.Type, out var t) || !_byValue[t].TryGetValue(identifier.Value, out var index)) return null;
        var node = _idNode[index];
        return node == Unassigned ? null : IdOf(Find(node));
    }

    /// <summary>Normalises a raw value, then resolves it like <see cref="ProfileOf(Identifier)"/>.</summary>
    public ProfileId? ProfileOf(string type, string? value) =>
        _normalizer.TryNormalize(type, value, out var identifier) ? ProfileOf(identifier) : null;

    /// <summary>The surviving profile that <paramref name="id"/> is or was merged into, with its identifiers; null if unknown or emptied.</summary>
    public IdentityProfile? GetProfile(ProfileId id)
    {
        var node = NodeOf(id);
        if (node < 0) return null;
        var root = Find(node);
        if (_idHead[root] == Unassigned) return null;
        var indices = new List<int>();
        for (var i = _idHead[root]; i != Unassigned; i = _idNext[i]) indices.Add(i);
        indices.Sort();
        return new IdentityProfile(IdOf(root), _createdAt[root], indices.ConvertAll(IdentifierAt), _mergeCount[root]);
    }

    /// <summary>Every surviving profile that holds identifiers, oldest first.</summary>
    public IEnumerable<IdentityProfile> Profiles()
    {
        for (var i = 0; i < _nodeCount; i++)
        {
            if (_parent[i] == i && _idHead[i] != Unassigned) yield return GetProfile(IdOf(i))!;
        }
    }

    /// <summary>
    /// The evidence of every observation that holds an identifier of the profile, in order. An audit
    /// query: it reads the whole observation log.
    /// </summary>
    public IReadOnlyList<EvidenceReference> EvidenceOf(ProfileId id)
    {
        var node = NodeOf(id);
        if (node < 0) return [];
        var root = Find(node);
        var result = new List<EvidenceReference>();
        var ids = CollectionsMarshal.AsSpan(_observationIds);
        foreach (var o in _observations)
        {
            foreach (var index in ids.Slice(o.Start, o.Count))
            {
                if (_idNode[index] != Unassigned && Find(_idNode[index]) == root)
                {
                    result.Add(o.Evidence);
                    break;
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Undoes a merge: the profile it absorbed comes back under its own id with the identifiers it
    /// brought, and those that evidence attached to it later.
    /// </summary>
    /// <remarks>
    /// <para><b>Semantics.</b> The merged profile's whole component (every profile merged into the same
    /// survivor) is rebuilt by replaying, in their original order, the observations that hold any of its
    /// identifiers, with the undone pair forbidden to join. The replay uses the same rules as
    /// <see cref="Observe"/>, so an identifier lands where the evidence alone puts it: one seen only with
    /// the absorbed profile's identifiers goes back to it; one seen with both sides stays with the profile
    /// of the observation's highest-priority identifier. Identifiers in profiles outside the component are
    /// left where they are and ignored by the replay. A profile recreated by the replay keeps its id
    /// (profiles are recreated by the observation that founded them). Other merges of the component that
    /// the replay reproduces keep their ids; those it no longer reproduces are marked
    /// <see cref="MergeStatus.Reverted"/>; any it makes anew are logged as new merges. Conflicts are
    /// history and are not rewritten.</para>
    /// <para><b>Afterwards.</b> The merge is <see cref="MergeStatus.Undone"/> and leaves a
    /// <see cref="MergeBlock"/>: evidence recorded before the unmerge never joins the two sides again
    /// (nor does re-running the same evidence), and neither does any later observation that holds the
    /// identifier that caused the undone merge. A later observation that links the two sides through
    /// another identifier is new evidence: it merges them again, as a new merge an operator can see and
    /// undo. A refused re-merge is logged as a conflict with reason <see cref="ConflictReason.UndoneMerge"/>.</para>
    /// </remarks>
    /// <returns>The surviving profiles the component was rebuilt into, oldest first.</returns>
    /// <exception cref="KeyNotFoundException">No merge has this id.</exception>
    /// <exception cref="InvalidOperationException">The merge is no longer active.</exception>
    public IReadOnlyList<ProfileId> Unmerge(long mergeId)
    {
        if (mergeId < 1 || mergeId > _merges.Count) throw new KeyNotFoundException($"There is no merge {mergeId}.");
        var merge = _merges[(int)mergeId - 1];
        if (merge.Status != MergeStatus.Active)
            throw new InvalidOperationException($"Merge {mergeId} is already {merge.Status.ToString().ToLowerInvariant()}.");

        var now = _time.GetUtcNow();
        var root = Find(NodeOf(merge.Survivor));
        var nodes = new List<int>();
        for (var n = root; n != Unassigned; n = _nodeNext[n]) nodes.Add(n);
        var inComponent = new HashSet<int>(nodes);

        var touching = new List<int>();
        var ids = CollectionsMarshal.AsSpan(_observationIds);
        for (var o = 0; o < _observations.Count; o++)
        {
            foreach (var index in ids.Slice(_observations[o].Start, _observations[o].Count))
            {
                if (_idNode[index] != Unassigned && Find(_idNode[index]) == root)
                {
                    touching.Add(o);
                    break;
                }
            }
        }

        _replayMerges = [];
        foreach (var m in _merges)
        {
            if (m.Status == MergeStatus.Active && m.Id != mergeId && inComponent.Contains(NodeOf(m.Survivor)))
                _replayMerges[((int)m.Observation, NodeOf(m.Survivor), NodeOf(m.Absorbed))] = (int)m.Id;
        }

        for (var i = _idHead[root]; i != Unassigned;)
        {
            var next = _idNext[i];
            _idNode[i] = Unassigned;
            _idNext[i] = Unassigned;
            i = next;
        }
        _replayNodes = [];
        foreach (var n in nodes)
        {
            _replayNodes[_founding[n]] = n;
            ResetNode(n);
            _retired[n] = true;
        }

        _merges[(int)mergeId - 1] = merge with { Status = MergeStatus.Undone, UndoneAt = now, UndoneBy = mergeId };
        var identifierIndex = _byValue[_typeIndex[merge.Identifier.Type]][merge.Identifier.Value];
        _blocks.Add(new Block(mergeId, NodeOf(merge.Survivor), NodeOf(merge.Absorbed), identifierIndex, _observations.Count));

        _currentEpoch++;
        _replaying = true;
        var roots = new SortedSet<int>();
        try
        {
            foreach (var o in touching) Resolve(o);
        }
        finally
        {
            _replaying = false;
        }

        foreach (var (_, id) in _replayMerges)
        {
            _merges[id - 1] = _merges[id - 1] with { Status = MergeStatus.Reverted, UndoneAt = now, UndoneBy = mergeId };
        }
        _replayMerges = null;
        _replayNodes = null;

        for (var n = 0; n < _nodeCount; n++)
        {
            if (_epoch[n] == _currentEpoch && !_retired[n]) roots.Add(Find(n));
        }
        return roots.Select(IdOf).ToList();
    }

    /// <summary>Everything the graph knows, as plain records (see <see cref="IdentityGraphState"/>).</summary>
    public IdentityGraphState ToState()
    {
        var profiles = new ProfileState[_nodeCount];
        for (var n = 0; n < _nodeCount; n++)
        {
            var root = Find(n);
            profiles[n] = new ProfileState(IdOf(n), _createdAt[n], _founding[n], root == n ? null : IdOf(root), _retired[n]);
        }
        var identifiers = new IdentifierState[_idCount];
        for (var i = 0; i < _idCount; i++)
            identifiers[i] = new IdentifierState(IdentifierAt(i), _idNode[i] == Unassigned ? null : IdOf(Find(_idNode[i])));
        var observations = new ObservationState[_observations.Count];
        for (var o = 0; o < observations.Length; o++)
        {
            var entry = _observations[o];
            var members = new Identifier[entry.Count];
            for (var k = 0; k < entry.Count; k++) members[k] = IdentifierAt(_observationIds[entry.Start + k]);
            observations[o] = new ObservationState(o, entry.Evidence, entry.Time, members);
        }
        var blocks = _blocks.ConvertAll(b => new MergeBlock(b.MergeId, IdOf(b.First), IdOf(b.Second), IdentifierAt(b.Identifier), b.FromObservation));
        return new IdentityGraphState(profiles, identifiers, observations, [.. _merges], [.. _conflicts], blocks, JunkIgnored, InvalidIgnored);
    }

    /// <summary>A graph with the state that <see cref="ToState"/> gave, resolving new observations as the original would.</summary>
    /// <exception cref="ArgumentException">The state is inconsistent (profile ids not 1..n in order, unknown types).</exception>
    public static IdentityGraph FromState(IdentityGraphState state, IdentityOptions options, TimeProvider time)
    {
        var graph = new IdentityGraph(options, time);
        for (var n = 0; n < state.Profiles.Count; n++)
        {
            var p = state.Profiles[n];
            if (p.Id.Value != n + 1) throw new ArgumentException($"Profile {p.Id} is out of sequence; expected p{n + 1}.", nameof(state));
            var node = graph.AllocateNode();
            graph.InitNode(node, (int)p.FoundingObservation, p.CreatedAt);
            graph._retired[node] = p.Retired;
        }
        foreach (var p in state.Profiles)
        {
            if (p.MergedInto is { } into) graph.Union(graph.NodeOf(into), graph.NodeOf(p.Id));
        }
        foreach (var s in state.Identifiers)
        {
            var index = graph.Intern(s.Identifier);
            if (s.Profile is { } profile) graph.Attach(index, graph.Find(graph.NodeOf(profile)));
        }
        foreach (var o in state.Observations)
        {
            graph._observations.Add(new Observation(graph._observationIds.Count, o.Identifiers.Count, o.Evidence, o.Time));
            foreach (var identifier in o.Identifiers) graph._observationIds.Add(graph.Intern(identifier));
        }
        graph._merges.AddRange(state.Merges);
        graph._conflicts.AddRange(state.Conflicts);
        foreach (var b in state.Blocks)
            graph._blocks.Add(new Block(b.MergeId, graph.NodeOf(b.Survivor), graph.NodeOf(b.Absorbed), graph.Intern(b.Identifier), b.FromObservation));
        graph.JunkIgnored = state.JunkIgnored;
        graph.InvalidIgnored = state.InvalidIgnored;
        return graph;
    }

    int Resolve(int observation)
    {
        var entry = _observations[observation];
        if (_order.Length < entry.Count) _order = new int[Math.Max(entry.Count, _order.Length * 2)];
        var ids = CollectionsMarshal.AsSpan(_observationIds).Slice(entry.Start, entry.Count);

        // Priority order, stable: by type rank, then as given.
        var m = 0;
        foreach (var index in ids)
        {
            if (_replaying && !InReplay(index)) continue;
            var j = m++;
            while (j > 0 && _idType[_order[j - 1]] > _idType[index])
            {
                _order[j] = _order[j - 1];
                j--;
            }
            _order[j] = index;
        }
        if (m == 0) return -1;

        var anchor = _order[0];
        int target;
        if (_idNode[anchor] != Unassigned)
        {
            target = Find(_idNode[anchor]);
        }
        else
        {
            target = -1;
            for (var j = 1; j < m && target < 0; j++)
            {
                if (_idNode[_order[j]] == Unassigned) continue;
                var candidate = Find(_idNode[_order[j]]);
                if (HasRoom(candidate, _idType[anchor])) target = candidate;
            }
            if (target < 0) target = NewNode(observation, entry.Time);
            Attach(anchor, target);
        }

        for (var j = 1; j < m; j++)
        {
            var index = _order[j];
            if (_idNode[index] != Unassigned)
            {
                var other = Find(_idNode[index]);
                if (other != target) target = TryMerge(target, other, index, observation);
            }
            else if (HasRoom(target, _idType[index]))
            {
                Attach(index, target);
            }
            else
            {
                RecordConflict(target, -1, index, observation, ConflictReason.TypeLimit, _idType[index]);
            }
        }
        return target;
    }

    int TryMerge(int target, int other, int identifier, int observation)
    {
        for (var t = 0; t < _typeCount; t++)
        {
            if ((long)_counts[target * _typeCount + t] + _counts[other * _typeCount + t] > _maxPerType[t])
            {
                RecordConflict(target, other, identifier, observation, ConflictReason.TypeLimit, t);
                return target;
            }
        }
        if (_mergeCount[target] + _mergeCount[other] + 1 > _maxMerges)
        {
            RecordConflict(target, other, identifier, observation, ConflictReason.MergeCap, -1);
            return target;
        }
        if (IsBlocked(target, other, observation))
        {
            RecordConflict(target, other, identifier, observation, ConflictReason.UndoneMerge, -1);
            return target;
        }

        var survivor = Math.Min(target, other);
        var absorbed = Math.Max(target, other);
        Union(survivor, absorbed);
        var entry = _observations[observation];
        if (_replaying && _replayMerges!.Remove((observation, survivor, absorbed), out _)) return survivor;
        _merges.Add(new MergeRecord(_merges.Count + 1, IdOf(survivor), IdOf(absorbed), IdentifierAt(identifier),
            entry.Evidence, entry.Time, observation));
        return survivor;
    }

    bool IsBlocked(int a, int b, int observation)
    {
        foreach (var block in _blocks)
        {
            var first = Find(block.First);
            var second = Find(block.Second);
            if (!((first == a && second == b) || (first == b && second == a))) continue;
            if (observation < block.FromObservation || Holds(observation, block.Identifier)) return true;
        }
        return false;
    }

    bool Holds(int observation, int identifier)
    {
        var entry = _observations[observation];
        return CollectionsMarshal.AsSpan(_observationIds).Slice(entry.Start, entry.Count).Contains(identifier);
    }

    void RecordConflict(int profile, int other, int identifier, int observation, ConflictReason reason, int type)
    {
        // The conflict log is history: a replay would only repeat what was already recorded.
        if (_replaying) return;
        var entry = _observations[observation];
        _conflicts.Add(new IdentityConflict(IdOf(profile), other < 0 ? null : IdOf(other), IdentifierAt(identifier),
            entry.Evidence, entry.Time, reason, type < 0 ? null : _typeNames[type]));
    }

    bool InReplay(int identifier) => _idNode[identifier] == Unassigned || _epoch[Find(_idNode[identifier])] == _currentEpoch;

    bool HasRoom(int root, int type) => _counts[root * _typeCount + type] < _maxPerType[type];

    int Intern(Identifier identifier)
    {
        if (!_typeIndex.TryGetValue(identifier.Type, out var type))
            throw new ArgumentException($"Identifier type '{identifier.Type}' is not configured.", nameof(identifier));
        return Intern(type, identifier.Value);
    }

    int Intern(int type, string value)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_byValue[type], value, out var exists);
        if (exists) return slot;
        if (_idCount == _idType.Length)
        {
            var size = _idCount * 2;
            Array.Resize(ref _idType, size);
            Array.Resize(ref _idValue, size);
            Array.Resize(ref _idNode, size);
            Array.Resize(ref _idNext, size);
        }
        slot = _idCount++;
        _idType[slot] = type;
        _idValue[slot] = value;
        _idNode[slot] = Unassigned;
        _idNext[slot] = Unassigned;
        return slot;
    }

    int NewNode(int observation, DateTimeOffset time)
    {
        var node = _replaying && _replayNodes!.Remove(observation, out var reused) ? reused : AllocateNode();
        InitNode(node, observation, time);
        return node;
    }

    int AllocateNode()
    {
        if (_nodeCount == _parent.Length)
        {
            var size = _nodeCount * 2;
            Array.Resize(ref _parent, size);
            Array.Resize(ref _idHead, size);
            Array.Resize(ref _idTail, size);
            Array.Resize(ref _nodeNext, size);
            Array.Resize(ref _nodeTail, size);
            Array.Resize(ref _mergeCount, size);
            Array.Resize(ref _founding, size);
            Array.Resize(ref _epoch, size);
            Array.Resize(ref _retired, size);
            Array.Resize(ref _createdAt, size);
            Array.Resize(ref _counts, size * _typeCount);
        }
        return _nodeCount++;
    }

    void InitNode(int node, int observation, DateTimeOffset time)
    {
        ResetNode(node);
        _founding[node] = observation;
        _createdAt[node] = time;
        _epoch[node] = _currentEpoch;
        _retired[node] = false;
    }

    void ResetNode(int node)
    {
        _parent[node] = node;
        _idHead[node] = Unassigned;
        _idTail[node] = Unassigned;
        _nodeNext[node] = Unassigned;
        _nodeTail[node] = node;
        _mergeCount[node] = 0;
        Array.Clear(_counts, node * _typeCount, _typeCount);
    }

    void Attach(int identifier, int root)
    {
        _idNode[identifier] = root;
        _idNext[identifier] = Unassigned;
        if (_idHead[root] == Unassigned) _idHead[root] = identifier;
        else _idNext[_idTail[root]] = identifier;
        _idTail[root] = identifier;
        _counts[root * _typeCount + _idType[identifier]]++;
    }

    void Union(int survivor, int absorbed)
    {
        _parent[absorbed] = survivor;
        if (_idHead[absorbed] != Unassigned)
        {
            if (_idHead[survivor] == Unassigned) _idHead[survivor] = _idHead[absorbed];
            else _idNext[_idTail[survivor]] = _idHead[absorbed];
            _idTail[survivor] = _idTail[absorbed];
        }
        _nodeNext[_nodeTail[survivor]] = absorbed;
        _nodeTail[survivor] = _nodeTail[absorbed];
        _mergeCount[survivor] += _mergeCount[absorbed] + 1;
        for (var t = 0; t < _typeCount; t++) _counts[survivor * _typeCount + t] += _counts[absorbed * _typeCount + t];
    }

    int Find(int node)
    {
        while (_parent[node] != node)
        {
            _parent[node] = _parent[_parent[node]];
            node = _parent[node];
        }
        return node;
    }

    int NodeOf(ProfileId id) => id.Value >= 1 && id.Value <= _nodeCount ? (int)(id.Value - 1) : -1;

    static ProfileId IdOf(int node) => new(node + 1L);

    Identifier IdentifierAt(int index) => new(_typeNames[_idType[index]], _idValue[index]);

    readonly record struct Observation(int Start, int Count, EvidenceReference Evidence, DateTimeOffset Time);

    readonly record struct Block(long MergeId, int First, int Second, int Identifier, long FromObservation);
}
