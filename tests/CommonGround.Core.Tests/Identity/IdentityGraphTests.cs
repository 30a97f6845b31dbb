using CommonGround.Events;
using CommonGround.Identity;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Core.Tests.Identity;

public class IdentityGraphTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    int _messages;

    IdentityGraph NewGraph(IdentityOptions? options = null) => new(options ?? new IdentityOptions(), _time);

    IdentityEvidence Seen(params (string Type, string? Value)[] ids)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        return new IdentityEvidence(EvidenceReference.Event("web", "m" + ++_messages), _time.GetUtcNow(),
            ids.Select(i => new ObservedIdentifier(i.Type, i.Value)).ToList());
    }

    static (string, string?) Email(string v) => (IdentifierTypes.Email, v);
    static (string, string?) Phone(string v) => (IdentifierTypes.Phone, v);
    static (string, string?) User(string v) => (IdentifierTypes.UserId, v);
    static (string, string?) Anon(string v) => (IdentifierTypes.AnonymousId, v);
    static (string, string?) Device(string v) => (IdentifierTypes.DeviceId, v);

    static Identifier Id((string Type, string? Value) raw) => new(raw.Type, raw.Value!);

    [Fact]
    public void Identifiers_seen_together_resolve_to_one_profile()
    {
        var graph = NewGraph();

        var profile = graph.Observe(Seen(Anon("a1"), Device("d1")));

        Assert.NotNull(profile);
        Assert.Equal(profile, graph.ProfileOf(Id(Device("d1"))));
        Assert.Equal(1, graph.ProfileCount);
    }

    [Fact]
    public void Profiles_that_share_an_email_are_merged_into_the_older()
    {
        var graph = NewGraph();
        var first = graph.Observe(Seen(Anon("a1"), Email("ann@example.com")));
        var second = graph.Observe(Seen(Anon("a2")));

        var resolved = graph.Observe(Seen(Anon("a2"), Email("Ann@Example.com ")));

        Assert.Equal(first, resolved);
        Assert.Equal(first, graph.ProfileOf(Id(Anon("a2"))));
        var merge = Assert.Single(graph.Merges);
        Assert.Equal((first!.Value, second!.Value), (merge.Survivor, merge.Absorbed));
        Assert.Equal(new Identifier(IdentifierTypes.AnonymousId, "a2"), merge.Identifier);
        Assert.Equal(EvidenceReference.Event("web", "m3"), merge.Evidence);
        Assert.Equal(_time.GetUtcNow(), merge.Time);
    }

    [Fact]
    public void Profiles_that_share_a_phone_written_differently_are_merged()
    {
        var graph = NewGraph(new IdentityOptions { DefaultPhoneRegion = "BE" });
        var first = graph.Observe(Seen(Email("ann@example.com"), Phone("+32 470 12 34 56")));
        graph.Observe(Seen(Anon("a9")));

        graph.Observe(Seen(Anon("a9"), Phone("0470123456")));

        Assert.Equal(first, graph.ProfileOf(Id(Anon("a9"))));
        Assert.Equal(1, graph.ProfileCount);
    }

    [Fact]
    public void Two_distinct_user_ids_are_never_merged_and_the_conflict_is_recorded()
    {
        var graph = NewGraph();
        var ann = graph.Observe(Seen(User("u-ann"), Email("family@example.com")));
        var bob = graph.Observe(Seen(User("u-bob"), Anon("a-bob")));

        graph.Observe(Seen(Anon("a-bob"), Email("family@example.com")));

        Assert.Empty(graph.Merges);
        Assert.Equal(2, graph.ProfileCount);
        var conflict = Assert.Single(graph.Conflicts);
        Assert.Equal(ConflictReason.TypeLimit, conflict.Reason);
        Assert.Equal(IdentifierTypes.UserId, conflict.Type);
        Assert.Equal([ann!.Value, bob!.Value], new[] { conflict.Profile, conflict.Other!.Value }.Order());
        Assert.Equal(EvidenceReference.Event("web", "m3"), conflict.Evidence);
    }

    [Fact]
    public void A_refused_merge_leaves_the_new_identifiers_with_the_highest_priority_identifier()
    {
        var graph = NewGraph();
        var ann = graph.Observe(Seen(User("u-ann"), Email("ann@example.com")));
        var bob = graph.Observe(Seen(User("u-bob")));

        graph.Observe(Seen(Anon("a-new"), Email("ann@example.com"), User("u-bob"), Device("d-new")));

        Assert.Equal(bob, graph.ProfileOf(Id(Anon("a-new"))));
        Assert.Equal(bob, graph.ProfileOf(Id(Device("d-new"))));
        Assert.Equal(ann, graph.ProfileOf(Id(Email("ann@example.com"))));
    }

    [Fact]
    public void Junk_values_never_merge_profiles_and_are_counted()
    {
        var graph = NewGraph();
        graph.Observe(Seen(User("u1"), Email("test@test.com"), Phone("0")));
        graph.Observe(Seen(User("u2"), Email("TEST@TEST.COM"), Phone("0")));
        graph.Observe(Seen(User("null"), Anon("undefined")));

        Assert.Equal(2, graph.ProfileCount);
        Assert.Empty(graph.Merges);
        Assert.Empty(graph.Conflicts);
        Assert.Equal(6, graph.JunkIgnored);
        Assert.Null(graph.ProfileOf(IdentifierTypes.Email, "test@test.com"));
    }

    [Fact]
    public void Alias_stitches_the_previous_anonymous_history_to_the_user()
    {
        var graph = NewGraph();
        var anonymous = graph.Observe(IdentityEvidence.From(Event(EventType.Page, anonymousId: "anon-1")));
        var known = graph.Observe(IdentityEvidence.From(Event(EventType.Track, userId: "u1")));

        graph.Observe(IdentityEvidence.From(Event(EventType.Alias, userId: "u1", previousId: "anon-1")));

        Assert.Equal(anonymous, graph.ProfileOf(Id(User("u1"))));
        Assert.Equal(anonymous, graph.ProfileOf(Id(Anon("anon-1"))));
        Assert.Equal((anonymous!.Value, known!.Value), (graph.Merges[0].Survivor, graph.Merges[0].Absorbed));
    }

    [Fact]
    public void Identify_stitches_anonymous_activity_to_the_known_person()
    {
        var graph = NewGraph();
        var crm = graph.Observe(Seen(User("u1"), Email("ann@example.com")));
        graph.Observe(IdentityEvidence.From(Event(EventType.Page, anonymousId: "anon-1")));

        graph.Observe(IdentityEvidence.From(Event(EventType.Identify, anonymousId: "anon-1",
            traits: """{"email":"ANN@example.com","phone":"+32 470 12 34 56"}""")));

        var profile = graph.GetProfile(crm!.Value)!;
        Assert.Equal(
            [Id(User("u1")), Id(Email("ann@example.com")), Id(Anon("anon-1")), new Identifier(IdentifierTypes.Phone, "+32470123456")],
            profile.Identifiers);
        Assert.Equal(1, graph.ProfileCount);
    }

    [Fact]
    public void Unmerge_restores_both_profiles_with_their_identifiers_and_evidence()
    {
        var graph = NewGraph();
        var ann = graph.Observe(Seen(Email("ann@example.com"), Anon("a-ann")))!.Value;
        var bob = graph.Observe(Seen(Anon("a-bob"), Device("d-bob")))!.Value;
        graph.Observe(Seen(Anon("a-bob"), Email("ann@example.com")));
        var merge = Assert.Single(graph.Merges);

        var restored = graph.Unmerge(merge.Id);

        Assert.Equal([ann, bob], restored);
        Assert.Equal([Id(Email("ann@example.com")), Id(Anon("a-ann"))], graph.GetProfile(ann)!.Identifiers);
        Assert.Equal([Id(Anon("a-bob")), Id(Device("d-bob"))], graph.GetProfile(bob)!.Identifiers);
        Assert.Equal(["m1", "m3"], graph.EvidenceOf(ann).Select(e => e.Key));
        Assert.Equal(["m2", "m3"], graph.EvidenceOf(bob).Select(e => e.Key));
        Assert.Equal(MergeStatus.Undone, graph.Merges[0].Status);
        Assert.Equal(_time.GetUtcNow(), graph.Merges[0].UndoneAt);
    }

    [Fact]
    public void Unmerge_keeps_identifiers_seen_later_with_the_absorbed_side_on_that_side()
    {
        var graph = NewGraph();
        var ann = graph.Observe(Seen(Email("ann@example.com")))!.Value;
        var bob = graph.Observe(Seen(Anon("a-bob")))!.Value;
        graph.Observe(Seen(Anon("a-bob"), Email("ann@example.com")));
        graph.Observe(Seen(Anon("a-bob"), Device("d-bob")));
        graph.Observe(Seen(Email("ann@example.com"), Device("d-ann")));

        graph.Unmerge(graph.Merges[0].Id);

        Assert.Equal(bob, graph.ProfileOf(Id(Device("d-bob"))));
        Assert.Equal(ann, graph.ProfileOf(Id(Device("d-ann"))));
    }

    [Fact]
    public void Evidence_holding_the_undone_link_does_not_merge_the_pair_again()
    {
        var graph = NewGraph();
        var ann = graph.Observe(Seen(Email("ann@example.com")))!.Value;
        var bob = graph.Observe(Seen(Anon("a-bob")))!.Value;
        graph.Observe(Seen(Anon("a-bob"), Email("ann@example.com")));
        graph.Unmerge(graph.Merges[0].Id);

        graph.Observe(Seen(Email("ann@example.com"), Anon("a-bob")));

        Assert.NotEqual(graph.ProfileOf(Id(Email("ann@example.com"))), graph.ProfileOf(Id(Anon("a-bob"))));
        Assert.Equal(ConflictReason.UndoneMerge, graph.Conflicts[^1].Reason);
        Assert.Equal([ann, bob], new[] { graph.Conflicts[^1].Profile, graph.Conflicts[^1].Other!.Value }.Order());
    }

    [Fact]
    public void New_evidence_through_another_identifier_merges_the_pair_again()
    {
        var graph = NewGraph();
        var ann = graph.Observe(Seen(Email("ann@example.com")))!.Value;
        graph.Observe(Seen(Anon("a-bob"), Device("d-shared")));
        graph.Observe(Seen(Anon("a-bob"), Email("ann@example.com")));
        graph.Unmerge(graph.Merges[0].Id);

        graph.Observe(Seen(Email("ann@example.com"), Device("d-shared")));

        Assert.Equal(ann, graph.ProfileOf(Id(Anon("a-bob"))));
        Assert.Equal(2, graph.Merges.Count);
        Assert.Equal(MergeStatus.Active, graph.Merges[1].Status);
    }

    [Fact]
    public void Undoing_a_merge_twice_is_refused()
    {
        var graph = NewGraph();
        graph.Observe(Seen(Email("ann@example.com")));
        graph.Observe(Seen(Anon("a1")));
        graph.Observe(Seen(Anon("a1"), Email("ann@example.com")));
        graph.Unmerge(1);

        Assert.Throws<InvalidOperationException>(() => graph.Unmerge(1));
        Assert.Throws<KeyNotFoundException>(() => graph.Unmerge(2));
    }

    [Fact]
    public void Unmerge_in_a_chain_keeps_the_other_merges()
    {
        var graph = NewGraph();
        var p1 = graph.Observe(Seen(Anon("a1")))!.Value;
        var p2 = graph.Observe(Seen(Anon("a2")))!.Value;
        var p3 = graph.Observe(Seen(Anon("a3")))!.Value;
        graph.Observe(Seen(Anon("a1"), Anon("a2")));
        graph.Observe(Seen(Anon("a2"), Anon("a3")));

        graph.Unmerge(2);

        Assert.Equal(p1, graph.ProfileOf(Id(Anon("a2"))));
        Assert.Equal(p3, graph.ProfileOf(Id(Anon("a3"))));
        Assert.Equal([MergeStatus.Active, MergeStatus.Undone], graph.Merges.Select(m => m.Status));
        Assert.NotEqual(p2, graph.ProfileOf(Id(Anon("a3"))));
    }

    [Fact]
    public void Merges_beyond_the_cap_are_refused_and_recorded()
    {
        var graph = NewGraph(new IdentityOptions { MaxMergesPerProfile = 2 });
        var first = graph.Observe(Seen(Email("shared@example.com")));
        foreach (var anon in new[] { "a1", "a2", "a3" }) graph.Observe(Seen(Anon(anon)));

        foreach (var anon in new[] { "a1", "a2", "a3" }) graph.Observe(Seen(Email("shared@example.com"), Anon(anon)));

        Assert.Equal(2, graph.Merges.Count);
        Assert.Equal(2, graph.GetProfile(first!.Value)!.Merges);
        var conflict = Assert.Single(graph.Conflicts);
        Assert.Equal(ConflictReason.MergeCap, conflict.Reason);
        Assert.NotEqual(first, graph.ProfileOf(Id(Anon("a3"))));
    }

    [Fact]
    public void The_same_input_in_the_same_order_gives_the_same_ids()
    {
        var observations = RandomObservations(new Random(7), count: 400, universe: 300);

        var first = NewGraph(Unlimited());
        var second = NewGraph(Unlimited());
        foreach (var o in observations) first.Observe(o);
        foreach (var o in observations) second.Observe(o);

        Assert.Equal(first.ToState().Identifiers, second.ToState().Identifiers);
        Assert.Equal(first.Merges, second.Merges);
    }

    [Fact]
    public void Feeding_in_two_halves_through_saved_state_gives_the_same_partition_as_all_at_once()
    {
        var observations = RandomObservations(new Random(11), count: 600, universe: 500, userIds: true);
        var options = new IdentityOptions();

        var batch = NewGraph(options);
        foreach (var o in observations) batch.Observe(o);
        var firstHalf = NewGraph(options);
        foreach (var o in observations.Take(300)) firstHalf.Observe(o);
        var incremental = IdentityGraph.FromState(firstHalf.ToState(), options, _time);
        foreach (var o in observations.Skip(300)) incremental.Observe(o);

        Assert.Equal(Partition(batch), Partition(incremental));
        Assert.Equal(batch.ToState().Identifiers, incremental.ToState().Identifiers);
        Assert.Equal(batch.Conflicts, incremental.Conflicts);
    }

    [Fact]
    public void A_snapshot_of_a_graph_with_merges_unmerges_and_conflicts_restores_the_same_state()
    {
        var options = new IdentityOptions { MaxMergesPerProfile = 5 };
        var graph = NewGraph(options);
        foreach (var o in RandomObservations(new Random(7), count: 400, universe: 300, userIds: true)) graph.Observe(o);
        var undo = graph.Merges.First(m => m.Status == MergeStatus.Active);
        graph.Unmerge(undo.Id);

        var restored = IdentityGraph.FromState(IdentitySnapshot.Read(IdentitySnapshot.Write(graph.ToState())), options, _time);

        Assert.Equal(Partition(graph), Partition(restored));
        Assert.Equal(graph.Merges, restored.Merges);
        Assert.Equal(graph.Conflicts, restored.Conflicts);
        Assert.Equal(graph.ToState().Blocks, restored.ToState().Blocks);
        Assert.Equal(graph.ToState().Profiles, restored.ToState().Profiles);
    }

    [Fact]
    public void A_damaged_or_foreign_snapshot_is_refused_with_a_clear_error()
    {
        var graph = NewGraph();
        graph.Observe(Seen(Email("ann@example.com"), User("u-1")));
        var bytes = IdentitySnapshot.Write(graph.ToState());

        Assert.Contains("not an identity graph snapshot", Assert.Throws<InvalidDataException>(() => IdentitySnapshot.Read([1, 2, 3])).Message);
        Assert.Throws<InvalidDataException>(() => IdentitySnapshot.Read(bytes[..(bytes.Length / 2)]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Without_limits_profiles_are_the_connected_components_of_the_observations(int seed)
    {
        var random = new Random(seed);
        var observations = RandomObservations(random, count: random.Next(50, 800), universe: random.Next(50, 600));
        var graph = NewGraph(Unlimited());

        foreach (var o in observations) graph.Observe(o);

        Assert.Equal(ConnectedComponents(observations), Partition(graph));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void Unmerge_splits_the_pair_and_loses_no_identifier(int seed)
    {
        var observations = RandomObservations(new Random(seed), count: 300, universe: 200);
        var graph = NewGraph(Unlimited());
        foreach (var o in observations) graph.Observe(o);
        var merge = graph.Merges[graph.Merges.Count / 2];
        var before = graph.GetProfile(merge.Survivor)!.Identifiers.ToHashSet();

        var restored = graph.Unmerge(merge.Id);

        var after = restored.SelectMany(p => graph.GetProfile(p)!.Identifiers).ToList();
        Assert.Equal(before.Count, after.Count);
        Assert.True(before.SetEquals(after));
        Assert.NotEqual(graph.GetProfile(merge.Survivor)!.Id, graph.GetProfile(merge.Absorbed)!.Id);
        Assert.Contains(merge.Absorbed, restored);
    }

    static IdentityOptions Unlimited() => new()
    {
        Types = [new() { Name = IdentifierTypes.Email, Normalization = IdentifierNormalization.Email }, new() { Name = IdentifierTypes.AnonymousId }],
        MaxMergesPerProfile = int.MaxValue,
    };

    List<IdentityEvidence> RandomObservations(Random random, int count, int universe, bool userIds = false)
    {
        var list = new List<IdentityEvidence>(count);
        for (var i = 0; i < count; i++)
        {
            var size = random.Next(1, 4);
            var ids = new List<(string, string?)>();
            for (var k = 0; k < size; k++)
            {
                var n = random.Next(universe);
                ids.Add((userIds && n % 7 == 0) ? User("u" + n % 50) : n % 2 == 0 ? Email($"e{n}@example.com") : Anon("a" + n));
            }
            list.Add(Seen([.. ids]));
        }
        return list;
    }

    static List<string> Partition(IdentityGraph graph) =>
        graph.Profiles().Select(p => string.Join(" ", p.Identifiers.Select(i => i.ToString()).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Brute force: identifiers are nodes, each observation links all of its identifiers; BFS.</summary>
    static List<string> ConnectedComponents(List<IdentityEvidence> observations)
    {
        var normalizer = new IdentifierNormalizer(Unlimited());
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var o in observations)
        {
            var ids = o.Identifiers.Select(i => normalizer.TryNormalize(i.Type, i.Value, out var id) ? id.ToString() : null)
                .OfType<string>().Distinct().ToList();
            foreach (var a in ids)
            {
                if (!edges.TryGetValue(a, out var set)) edges[a] = set = [];
                foreach (var b in ids) if (a != b) set.Add(b);
            }
        }
        var seen = new HashSet<string>();
        var components = new List<string>();
        foreach (var start in edges.Keys)
        {
            if (!seen.Add(start)) continue;
            var members = new List<string> { start };
            var queue = new Queue<string>([start]);
            while (queue.TryDequeue(out var node))
            {
                foreach (var next in edges[node])
                {
                    if (seen.Add(next))
                    {
                        members.Add(next);
                        queue.Enqueue(next);
                    }
                }
            }
            components.Add(string.Join(" ", members.Order(StringComparer.Ordinal)));
        }
        return components.Order(StringComparer.Ordinal).ToList();
    }

    TrackedEvent Event(EventType type, string? userId = null, string? anonymousId = null, string? previousId = null, string? traits = null)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        return new TrackedEvent
        {
            SourceId = "web", MessageId = "m" + ++_messages, Type = type, Timestamp = _time.GetUtcNow(), ReceivedAt = _time.GetUtcNow(),
            UserId = userId, AnonymousId = anonymousId, PreviousId = previousId, Traits = traits,
        };
    }
}
