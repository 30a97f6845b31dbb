using CommonGround.Events;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    protected static TrackedEvent NewEvent(string sourceId, string messageId, string? name = "Order Completed") => new()
    {
        SourceId = sourceId,
        MessageId = messageId,
        Type = EventType.Track,
        Name = name,
        UserId = "user-1",
        Timestamp = T0,
        ReceivedAt = T0.AddSeconds(1),
    };

    [Fact]
    public async Task Appended_events_round_trip_every_field()
    {
        var sent = new TrackedEvent
        {
            SourceId = "src-web",
            MessageId = "msg-1",
            Type = EventType.Page,
            Name = "Checkout",
            Category = "Shop",
            UserId = "user-42",
            AnonymousId = "anon-7",
            GroupId = "acme",
            PreviousId = "anon-6",
            Timestamp = T0,
            OriginalTimestamp = T0.AddMilliseconds(-250),
            SentAt = T0.AddMilliseconds(-100),
            ReceivedAt = T0.AddSeconds(2),
            Context = """{"library":{"name":"analytics.js","version":"1.0"},"ip":"203.0.113.9"}""",
            Properties = """{"path":"/checkout","revenue":12.5,"tags":["a","b"]}""",
            Traits = """{"plan":"pro"}""",
            Integrations = """{"All":true}""",
        };

        await Store.Events.AppendAsync([sent], Ct);

        var stored = Assert.Single(await Store.Events.FindByMessageIdAsync("msg-1", Ct));
        Assert.Equal(sent, stored);
    }

    [Fact]
    public async Task Events_with_only_the_required_fields_round_trip_with_nulls()
    {
        var sent = new TrackedEvent
        {
            SourceId = "src-web",
            MessageId = "msg-1",
            Type = EventType.Alias,
            Timestamp = T0,
            ReceivedAt = T0,
        };

        await Store.Events.AppendAsync([sent], Ct);

        Assert.Equal(sent, Assert.Single(await Store.Events.FindByMessageIdAsync("msg-1", Ct)));
    }

    [Fact]
    public async Task Every_event_type_round_trips()
    {
        var sent = Enum.GetValues<EventType>()
            .Select(type => NewEvent("src-web", "msg-" + type) with { Type = type })
            .ToList();

        await Store.Events.AppendAsync(sent, Ct);

        foreach (var e in sent)
            Assert.Equal(e.Type, Assert.Single(await Store.Events.FindByMessageIdAsync(e.MessageId, Ct)).Type);
    }

    [Fact]
    public async Task Json_members_are_kept_exactly_as_the_client_sent_them()
    {
        // Key order, spacing and number spelling are the client's; nothing is re-serialised.
        const string properties = "{ \"z\": 1.50,  \"a\" : [ 1, 2 ],\n \"emoji\": \"\\u00e9 ok\" }";
        await Store.Events.AppendAsync([NewEvent("src-web", "msg-1") with { Properties = properties }], Ct);

        var stored = Assert.Single(await Store.Events.FindByMessageIdAsync("msg-1", Ct));
        Assert.Equal(properties, stored.Properties);
    }

    [Fact]
    public async Task Times_with_an_offset_are_stored_as_the_same_instant_in_utc()
    {
        var local = new DateTimeOffset(2026, 3, 14, 11, 26, 53, TimeSpan.FromHours(2));
        await Store.Events.AppendAsync(
            [NewEvent("src-web", "msg-1") with { Timestamp = local, SentAt = local, ReceivedAt = local }], Ct);

        var stored = Assert.Single(await Store.Events.FindByMessageIdAsync("msg-1", Ct));
        Assert.Equal(local.UtcDateTime, stored.Timestamp.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, stored.Timestamp.Offset);
        Assert.Equal(local.UtcDateTime, stored.SentAt!.Value.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, stored.ReceivedAt.Offset);
    }

    [Fact]
    public async Task Append_returns_how_many_events_were_new()
    {
        var stored = await Store.Events.AppendAsync(
            [NewEvent("src-web", "m-1"), NewEvent("src-web", "m-2"), NewEvent("src-web", "m-3")], Ct);

        Assert.Equal(3, stored);
        Assert.Equal(3, await Store.Events.CountAsync(null, Ct));
    }

    [Fact]
    public async Task Appending_an_empty_batch_stores_nothing()
    {
        Assert.Equal(0, await Store.Events.AppendAsync([], Ct));
        Assert.Equal(0, await Store.Events.CountAsync(null, Ct));
    }

    [Fact]
    public async Task Append_skips_a_messageId_already_stored_for_the_same_source()
    {
        await Store.Events.AppendAsync([NewEvent("src-web", "m-1", name: "First")], Ct);

        var stored = await Store.Events.AppendAsync(
            [NewEvent("src-web", "m-1", name: "Retry"), NewEvent("src-web", "m-2")], Ct);

        Assert.Equal(1, stored);
        Assert.Equal(2, await Store.Events.CountAsync("src-web", Ct));
        Assert.Equal("First", Assert.Single(await Store.Events.FindByMessageIdAsync("m-1", Ct)).Name);
    }

    [Fact]
    public async Task Append_keeps_the_first_of_a_messageId_repeated_within_one_batch()
    {
        var stored = await Store.Events.AppendAsync(
        [
            NewEvent("src-web", "m-1", name: "First"),
            NewEvent("src-web", "m-2"),
            NewEvent("src-web", "m-1", name: "Second"),
            NewEvent("src-web", "m-1", name: "Third"),
        ], Ct);

        Assert.Equal(2, stored);
        Assert.Equal("First", Assert.Single(await Store.Events.FindByMessageIdAsync("m-1", Ct)).Name);
    }

    [Fact]
    public async Task Same_messageId_in_two_sources_is_two_events()
    {
        var stored = await Store.Events.AppendAsync([NewEvent("src-web", "m-1"), NewEvent("src-app", "m-1")], Ct);

        Assert.Equal(2, stored);
        var found = await Store.Events.FindByMessageIdAsync("m-1", Ct);
        Assert.Equal(["src-app", "src-web"], found.Select(e => e.SourceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Finding_an_unknown_messageId_returns_nothing()
    {
        await Store.Events.AppendAsync([NewEvent("src-web", "m-1")], Ct);

        Assert.Empty(await Store.Events.FindByMessageIdAsync("m-unknown", Ct));
    }

    [Fact]
    public async Task Count_is_per_source_or_for_all_sources()
    {
        await Store.Events.AppendAsync(
            [NewEvent("src-web", "m-1"), NewEvent("src-web", "m-2"), NewEvent("src-app", "m-1")], Ct);

        Assert.Equal(2, await Store.Events.CountAsync("src-web", Ct));
        Assert.Equal(1, await Store.Events.CountAsync("src-app", Ct));
        Assert.Equal(0, await Store.Events.CountAsync("src-none", Ct));
        Assert.Equal(3, await Store.Events.CountAsync(null, Ct));
    }

    [Fact]
    public async Task A_large_batch_is_stored_whole()
    {
        var batch = Enumerable.Range(0, 20_000).Select(i => NewEvent("src-web", $"m-{i}")).ToList();

        Assert.Equal(batch.Count, await Store.Events.AppendAsync(batch, Ct));
        Assert.Equal(batch.Count, await Store.Events.CountAsync("src-web", Ct));
    }

    [Fact]
    public async Task Concurrent_appends_from_8_tasks_store_every_event_exactly_once()
    {
        // Every task sends overlapping batches: each messageId is sent by two tasks, like client retries.
        const int tasks = 8, batches = 10, perBatch = 100;
        var results = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var stored = 0;
            for (var b = 0; b < batches; b++)
            {
                var batch = Enumerable.Range(0, perBatch)
                    .Select(i => NewEvent("src-web", $"m-{(t / 2 * batches + b) * perBatch + i}"))
                    .ToList();
                stored += await Store.Events.AppendAsync(batch, Ct);
            }
            return stored;
        }, Ct)));

        const int distinct = tasks / 2 * batches * perBatch;
        Assert.Equal(distinct, results.Sum());
        Assert.Equal(distinct, await Store.Events.CountAsync(null, Ct));
    }

    protected static RejectedPayload NewReject(string id, string? sourceId, DateTimeOffset at) => new()
    {
        Id = id,
        SourceId = sourceId,
        ReceivedAt = at,
        Channel = "/v1/batch",
        Reason = "The body is not JSON.",
        Body = "{not json",
    };

    [Fact]
    public async Task A_reject_round_trips_every_field()
    {
        var reject = NewReject("rej-1", "src-web", T0);
        var anonymous = NewReject("rej-2", null, T0.AddSeconds(1)) with { Body = null };

        await Store.Events.AddRejectAsync(reject, Ct);
        await Store.Events.AddRejectAsync(anonymous, Ct);

        Assert.Equal([anonymous, reject], await Store.Events.ListRejectsAsync(null, 10, Ct));
    }

    [Fact]
    public async Task Rejects_are_listed_newest_first()
    {
        await Store.Events.AddRejectAsync(NewReject("rej-old", "src-web", T0), Ct);
        await Store.Events.AddRejectAsync(NewReject("rej-new", "src-web", T0.AddMinutes(5)), Ct);
        await Store.Events.AddRejectAsync(NewReject("rej-mid", "src-web", T0.AddMinutes(1)), Ct);

        var listed = await Store.Events.ListRejectsAsync(null, 10, Ct);

        Assert.Equal(["rej-new", "rej-mid", "rej-old"], listed.Select(r => r.Id));
    }

    [Fact]
    public async Task Rejects_can_be_listed_for_one_source()
    {
        await Store.Events.AddRejectAsync(NewReject("rej-web", "src-web", T0), Ct);
        await Store.Events.AddRejectAsync(NewReject("rej-app", "src-app", T0.AddSeconds(1)), Ct);
        await Store.Events.AddRejectAsync(NewReject("rej-none", null, T0.AddSeconds(2)), Ct);

        var listed = await Store.Events.ListRejectsAsync("src-web", 10, Ct);

        Assert.Equal("rej-web", Assert.Single(listed).Id);
    }

    [Fact]
    public async Task Listing_rejects_returns_at_most_the_limit_newest_first()
    {
        for (var i = 0; i < 5; i++)
            await Store.Events.AddRejectAsync(NewReject($"rej-{i}", "src-web", T0.AddMinutes(i)), Ct);

        var listed = await Store.Events.ListRejectsAsync(null, 2, Ct);

        Assert.Equal(["rej-4", "rej-3"], listed.Select(r => r.Id));
    }
}
