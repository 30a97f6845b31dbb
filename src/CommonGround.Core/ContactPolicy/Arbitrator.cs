using System.Collections.Concurrent;
using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>
/// Batch arbitration: given the planned sends of every team for a day or a week, keeps for each
/// customer the sends that fit the policy, best first, and holds back the rest with a reason.
/// </summary>
/// <remarks>
/// <para>Order (deterministic): campaign priority (higher first, as the campaign calendar defines it),
/// then team priority (higher first), then expected value (highest first), then campaign id (ordinal); between sends of the same campaign, the earlier time,
/// then the lower profile id, then the order they were planned in.</para>
/// <para>Each send is checked in that order against the customer's (and household's) live ledger
/// entries plus the sends already kept, and kept when it fits (see <see cref="CompiledContactPolicy"/>):
/// greedy, so a send is never displaced by a later, lesser one. Members of a household are arbitrated
/// together so household caps hold; households run in parallel. The result does not depend on the
/// degree of parallelism. Kept sends are not written to the ledger: they count once they are reported
/// sent.</para>
/// </remarks>
public sealed class Arbitrator(PolicyHistory policies, IContactLedger? ledger, TimeProvider time)
{
    const int GroupsPerChunk = 2048;

    /// <summary>Arbitrates a plan with the policy in force.</summary>
    /// <param name="parallelism">Threads to use; 0 for one per core.</param>
    public ArbitrationResult Run(ContactPlan plan, int parallelism = 0)
    {
        var policy = policies.Compiled;
        if (ledger is not null && !ReferenceEquals(ledger.Campaigns, policy.Directory))
            throw new InvalidOperationException("The policy history and the ledger must share one campaign directory.");
        var now = time.GetUtcNow();
        var layout = Layout.Of(plan, policy);
        var status = new byte[plan.SendCount];
        var rule = new byte[plan.SendCount];
        var history = new ConcurrentDictionary<int, ContactEntry[]>();
        var totals = new long[plan.Campaigns.Count, ArbitrationResult.Outcomes];
        var chunks = (layout.Groups + GroupsPerChunk - 1) / GroupsPerChunk;
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        Parallel.For(0, chunks, options,
            () => new Worker(plan, policy, layout, ledger, now),
            (chunk, _, worker) =>
            {
                var end = Math.Min(layout.Groups, (chunk + 1) * GroupsPerChunk);
                for (var g = chunk * GroupsPerChunk; g < end; g++)
                {
                    var past = worker.ReadHistory(g);
                    if (past.Length > 0) history[g] = past;
                    worker.Arbitrate(g, past, status, rule, stopAt: -1);
                }
                return worker;
            },
            worker =>
            {
                lock (totals)
                {
                    for (var c = 0; c < worker.Totals.GetLength(0); c++)
                        for (var o = 0; o < ArbitrationResult.Outcomes; o++) totals[c, o] += worker.Totals[c, o];
                }
            });
        return new ArbitrationResult(plan, policy, layout, status, rule, history, totals, now);
    }

    /// <summary>
    /// Where everything is: customers grouped by household (a customer without one is a group of
    /// one), and each group's sends. Counting sorts: no comparison sort over the whole plan.
    /// </summary>
    internal sealed class Layout
    {
        public required int Groups { get; init; }

        /// <summary>Customers of group g: Members[MemberStart[g] .. MemberStart[g + 1]].</summary>
        public required int[] MemberStart { get; init; }

        public required int[] Members { get; init; }

        /// <summary>Sends of group g: Sends[SendStart[g] .. SendStart[g + 1]], in arbitration order once the group is done.</summary>
        public required int[] SendStart { get; init; }

        public required int[] Sends { get; init; }

        public required int[] GroupOf { get; init; }

        /// <summary>Plan campaign → rank in arbitration order (0 first).</summary>
        public required int[] Rank { get; init; }

        /// <summary>Plan campaign → index in the policy's campaign directory.</summary>
        public required int[] Directory { get; init; }

        public static Layout Of(ContactPlan plan, CompiledContactPolicy policy)
        {
            var campaigns = plan.Campaigns;
            var directory = campaigns.Select(policy.Directory.Register).ToArray();
            var ordered = Enumerable.Range(0, campaigns.Count)
                .OrderByDescending(c => campaigns[c].Priority)
                .ThenByDescending(c => policy.TeamPriority(campaigns[c].Team))
                .ThenByDescending(c => campaigns[c].ExpectedValue)
                .ThenBy(c => campaigns[c].Id, StringComparer.Ordinal)
                .ToArray();
            var rank = new int[campaigns.Count];
            for (var r = 0; r < ordered.Length; r++) rank[ordered[r]] = r;

            var households = plan.HouseholdCount;
            var groupOf = new int[plan.CustomerCount];
            var groups = households;
            for (var c = 0; c < plan.CustomerCount; c++)
            {
                var h = plan.HouseholdNumber(c);
                groupOf[c] = h >= 0 ? h : groups++;
            }
            var memberStart = new int[groups + 1];
            var members = new int[plan.CustomerCount];
            for (var c = 0; c < plan.CustomerCount; c++) memberStart[groupOf[c] + 1]++;
            for (var g = 0; g < groups; g++) memberStart[g + 1] += memberStart[g];
            var fill = memberStart[..^1];
            for (var c = 0; c < plan.CustomerCount; c++) members[fill[groupOf[c]]++] = c;

            var sendStart = new int[groups + 1];
            var sends = new int[plan.SendCount];
            for (var s = 0; s < plan.SendCount; s++) sendStart[groupOf[plan.CustomerOf(s)] + 1]++;
            for (var g = 0; g < groups; g++) sendStart[g + 1] += sendStart[g];
            fill = sendStart[..^1];
            for (var s = 0; s < plan.SendCount; s++) sends[fill[groupOf[plan.CustomerOf(s)]]++] = s;
            return new Layout
            {
                Groups = groups, MemberStart = memberStart, Members = members, SendStart = sendStart, Sends = sends,
                GroupOf = groupOf, Rank = rank, Directory = directory,
            };
        }
    }

    /// <summary>One thread's scratch space and tallies; arbitrates one group at a time.</summary>
    internal sealed class Worker(ContactPlan plan, CompiledContactPolicy policy, Layout layout, IContactLedger? ledger, DateTimeOffset now)
    {
        ContactEntry[] _entries = new ContactEntry[64];
        Key[] _keys = new Key[64];

        public long[,] Totals { get; } = new long[plan.Campaigns.Count, ArbitrationResult.Outcomes];

        /// <summary>The live ledger entries of a group's members and household (each once), in time order.</summary>
        public ContactEntry[] ReadHistory(int group)
        {
            if (ledger is null) return [];
            List<ContactEntry>? all = null;
            for (var m = layout.MemberStart[group]; m < layout.MemberStart[group + 1]; m++)
            {
                var customer = layout.Members[m];
                var reading = ledger.ReadAsync(plan.Profile(customer), plan.Household(customer), now, CancellationToken.None);
                var entries = reading.IsCompletedSuccessfully ? reading.Result : reading.AsTask().GetAwaiter().GetResult();
                if (entries.Count > 0) (all ??= []).AddRange(entries);
            }
            return all is null ? [] : [.. all.DistinctBy(e => (e.Profile, e.Sequence)).OrderBy(e => e.At).ThenBy(e => e.Profile).ThenBy(e => e.Sequence)];
        }

        /// <summary>
        /// Sorts the group's sends into arbitration order (in place in <see cref="Layout.Sends"/>) and
        /// decides each. With <paramref name="stopAt"/> ≥ 0 it only replays the kept sends before that
        /// send and returns its candidate and the entries it met, for an explanation.
        /// </summary>
        public (ContactCandidate Candidate, ContactEntry[] Entries)? Arbitrate(int group, ContactEntry[] history, byte[] status, byte[] rule, int stopAt)
        {
            int from = layout.SendStart[group], to = layout.SendStart[group + 1], n = to - from;
            if (n == 0) return null;
            if (_keys.Length < n) _keys = new Key[Math.Max(n, _keys.Length * 2)];
            var keys = _keys.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                var s = layout.Sends[from + i];
                keys[i] = new Key(layout.Rank[plan.CampaignOf(s)], plan.SecondsOf(s), plan.Profile(plan.CustomerOf(s)).Value, s);
            }
            keys.Sort();
            var count = history.Length;
            if (_entries.Length < count + n) _entries = new ContactEntry[Math.Max(count + n, _entries.Length * 2)];
            history.CopyTo(_entries, 0);
            var nowTicks = now.UtcTicks;
            for (var i = 0; i < n; i++)
            {
                var s = keys[i].Send;
                if (stopAt < 0) layout.Sends[from + i] = s;
                var customer = plan.CustomerOf(s);
                var campaign = plan.CampaignOf(s);
                var candidate = policy.Candidate(plan.Profile(customer), plan.Household(customer), new DateTimeOffset(plan.TicksOf(s), TimeSpan.Zero),
                    layout.Directory[campaign], plan.TimeZone(customer) ?? policy.DefaultCalendar);
                if (s == stopAt) return (candidate, _entries[..count]);
                if (stopAt >= 0)
                {
                    if (status[s] == 0) Insert(candidate.ToEntry(s, long.MaxValue, EntryState.Planned), ref count);
                    continue;
                }
                var lists = plan.SuppressionLists(customer);
                var (code, index) = policy.Precheck(candidate, plan.Consents(customer)[candidate.Channel], lists);
                if (code is null)
                {
                    var verdict = policy.Check(candidate, default, _entries.AsSpan(0, count), shared: true, nowTicks);
                    if (verdict.Allowed)
                    {
                        Insert(candidate.ToEntry(s, long.MaxValue, EntryState.Planned), ref count);
                    }
                    else if (verdict.Caps != 0)
                    {
                        (code, index) = (HoldCode.CapReached, System.Numerics.BitOperations.TrailingZeroCount(verdict.Caps));
                    }
                    else
                    {
                        (code, index) = (HoldCode.MinimumGap, verdict.Gap);
                    }
                }
                status[s] = (byte)(code ?? 0);
                rule[s] = (byte)Math.Min(index, byte.MaxValue);
                Totals[campaign, (int)(code ?? 0)]++;
            }
            return null;
        }

        /// <summary>Adds a kept send to the working entries, keeping them in time order.</summary>
        void Insert(in ContactEntry entry, ref int count)
        {
            var at = count;
            while (at > 0 && _entries[at - 1].At > entry.At) at--;
            Array.Copy(_entries, at, _entries, at + 1, count - at);
            _entries[at] = entry;
            count++;
        }

        /// <summary>The arbitration order of two sends of one group.</summary>
        readonly record struct Key(int Rank, int Seconds, long Profile, int Send) : IComparable<Key>
        {
            public int CompareTo(Key other)
            {
                var c = Rank.CompareTo(other.Rank);
                if (c == 0) c = Seconds.CompareTo(other.Seconds);
                if (c == 0) c = Profile.CompareTo(other.Profile);
                return c != 0 ? c : Send.CompareTo(other.Send);
            }
        }
    }
}
