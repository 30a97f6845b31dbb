using CommonGround.Campaigns;
using CommonGround.Identity;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    /// <summary>Monday 4 May 2026, midnight UTC: the start of the test week.</summary>
    protected static readonly DateTimeOffset May4 = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);

    protected static Campaign NewCampaign(string id, Schedule? schedule = null, string team = "loyalty",
        CampaignStatus status = CampaignStatus.Scheduled, CampaignCategory category = CampaignCategory.Marketing) => new()
    {
        Id = id,
        Name = "Campaign " + id,
        Team = team,
        Channel = Channel.Email,
        Category = category,
        AudienceId = "aud-" + id,
        Schedule = schedule ?? new AlwaysOnSchedule(May4, May4.AddDays(7)),
        Priority = 50,
        ExpectedValue = 0.25m,
        HoldoutShare = 0.1,
        HoldoutSalt = id,
        Storyboard = "Chapter 2: the second order",
        Status = status,
        CreatedBy = "key-1",
        CreatedAt = T0,
        UpdatedBy = "key-1",
        UpdatedAt = T0,
    };

    static RecurringSchedule Weekly(string cron, DateTimeOffset start, DateTimeOffset? end = null) =>
        RecurringSchedule.TryCreate(cron, "Europe/London", start, end, "schedule", new List<FieldError>())
            ?? throw new InvalidOperationException("bad cron in a test");

    [Fact]
    public async Task A_campaign_of_each_schedule_kind_is_read_back_as_stored()
    {
        Campaign[] campaigns =
        [
            NewCampaign("c-one", new OneOffSchedule(May4.AddHours(9).AddTicks(5 * TimeSpan.TicksPerMicrosecond))),
            NewCampaign("c-recurring", Weekly("0 9 * * MON", May4, May4.AddDays(60))) with { Channel = Channel.DirectMail, ExpectedValue = 12.3456m },
            NewCampaign("c-always", new AlwaysOnSchedule(May4, null), category: CampaignCategory.Transactional) with
            {
                AudienceId = null, Storyboard = null, HoldoutShare = 0, Channel = Channel.WebPersonalisation, Status = CampaignStatus.Live,
            },
        ];
        foreach (var c in campaigns) await Store.Campaigns.AddAsync(c, Ct);

        foreach (var c in campaigns) Assert.Equal(c, await Store.Campaigns.FindAsync(c.Id, Ct));
        Assert.Null(await Store.Campaigns.FindAsync("c-none", Ct));
    }

    [Fact]
    public async Task Adding_a_campaign_with_a_taken_id_is_a_conflict()
    {
        await Store.Campaigns.AddAsync(NewCampaign("c-1"), Ct);

        await Assert.ThrowsAsync<ConflictException>(() => Store.Campaigns.AddAsync(NewCampaign("c-1") with { Name = "Other" }, Ct));

        Assert.Equal("Campaign c-1", (await Store.Campaigns.FindAsync("c-1", Ct))?.Name);
    }

    [Fact]
    public async Task An_update_replaces_every_field_and_an_unknown_campaign_is_not_updated()
    {
        await Store.Campaigns.AddAsync(NewCampaign("c-1"), Ct);
        var changed = NewCampaign("c-1", Weekly("30 8 1 * *", May4), team: "retail media", status: CampaignStatus.Live) with
        {
            Name = "Monthly", Channel = Channel.OffSiteAd, Category = CampaignCategory.Advertising, Priority = 90,
            UpdatedBy = "key-2", UpdatedAt = T0.AddHours(1),
        };

        Assert.True(await Store.Campaigns.UpdateAsync(changed, Ct));
        Assert.False(await Store.Campaigns.UpdateAsync(NewCampaign("c-2"), Ct));

        Assert.Equal(changed, await Store.Campaigns.FindAsync("c-1", Ct));
        Assert.Null(await Store.Campaigns.FindAsync("c-2", Ct));
    }

    [Fact]
    public async Task Deleting_a_campaign_removes_its_targets()
    {
        await Store.Campaigns.AddAsync(NewCampaign("c-1"), Ct);
        await Store.Campaigns.SetTargetsAsync("c-1", [new CampaignTarget(new ProfileId(1), null, false, false)], Ct);

        Assert.True(await Store.Campaigns.DeleteAsync("c-1", Ct));
        Assert.False(await Store.Campaigns.DeleteAsync("c-1", Ct));

        Assert.Null(await Store.Campaigns.FindAsync("c-1", Ct));
        Assert.Empty(await Store.Campaigns.ListTargetsAsync("c-1", Ct));
    }

    [Fact]
    public async Task Campaigns_are_listed_by_team_status_and_the_window_their_schedule_runs_in()
    {
        await Store.Campaigns.AddAsync(NewCampaign("c-may", new OneOffSchedule(May4.AddHours(9))), Ct);
        await Store.Campaigns.AddAsync(NewCampaign("c-june", new OneOffSchedule(May4.AddDays(30)), team: "Web"), Ct);
        // Fridays only, from May: not in a Monday-to-Thursday window.
        await Store.Campaigns.AddAsync(NewCampaign("c-fridays", Weekly("0 18 * * FRI", May4), status: CampaignStatus.Draft), Ct);
        await Store.Campaigns.AddAsync(NewCampaign("c-always", new AlwaysOnSchedule(May4.AddDays(-30), May4), team: "web"), Ct);

        var all = await Store.Campaigns.ListAsync(new CampaignQuery(), Ct);
        var web = await Store.Campaigns.ListAsync(new CampaignQuery(Team: "WEB"), Ct);
        var drafts = await Store.Campaigns.ListAsync(new CampaignQuery(Status: CampaignStatus.Draft), Ct);
        var mondayToThursday = await Store.Campaigns.ListAsync(new CampaignQuery(May4, May4.AddDays(4)), Ct);
        var week = await Store.Campaigns.ListAsync(new CampaignQuery(May4, May4.AddDays(7)), Ct);

        Assert.Equal(["c-always", "c-fridays", "c-june", "c-may"], all.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["c-always", "c-june"], web.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["c-fridays"], drafts.Select(c => c.Id));
        Assert.Equal(["c-may"], mondayToThursday.Select(c => c.Id));
        Assert.Equal(["c-fridays", "c-may"], week.Select(c => c.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Setting_targets_replaces_the_list_and_keeps_one_row_per_person()
    {
        await Store.Campaigns.AddAsync(NewCampaign("c-1"), Ct);
        await Store.Campaigns.SetTargetsAsync("c-1", [new CampaignTarget(new ProfileId(9), "h_old", false, false)], Ct);

        var stored = await Store.Campaigns.SetTargetsAsync("c-1",
        [
            new CampaignTarget(new ProfileId(3), "h_a", false, false),
            new CampaignTarget(new ProfileId(1), null, true, false),
            new CampaignTarget(new ProfileId(3), "h_b", false, true),
        ], Ct);

        Assert.Equal(2, stored);
        Assert.Equal(
            [new CampaignTarget(new ProfileId(1), null, true, false), new CampaignTarget(new ProfileId(3), "h_b", false, true)],
            await Store.Campaigns.ListTargetsAsync("c-1", Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.Campaigns.SetTargetsAsync("c-none", [], Ct));
    }

    [Fact]
    public async Task The_global_control_group_is_off_until_set_and_then_read_back()
    {
        Assert.Equal(GlobalControlGroup.Default, await Store.Campaigns.GetGlobalControlAsync(Ct));
        var group = new GlobalControlGroup(true, 0.07, "salt-1", "key-1", T0);

        await Store.Campaigns.SetGlobalControlAsync(group, Ct);
        await Store.Campaigns.SetGlobalControlAsync(group with { Share = 0.03 }, Ct);

        Assert.Equal(group with { Share = 0.03 }, await Store.Campaigns.GetGlobalControlAsync(Ct));
    }

    /// <summary>
    /// Six campaigns of which four are active in the test week (two are a draft and one outside it), with
    /// seeded random targets: overlapping people, shared households, holdouts and control members.
    /// </summary>
    async Task<Dictionary<string, List<CampaignTarget>>> SeedOverlapAsync(int seed)
    {
        Campaign[] campaigns =
        [
            NewCampaign("c-a", new OneOffSchedule(May4.AddDays(1).AddHours(9)), team: "loyalty"),
            NewCampaign("c-b", Weekly("0 10 * * TUE,THU", May4), team: "web", status: CampaignStatus.Live),
            NewCampaign("c-c", new AlwaysOnSchedule(May4.AddDays(-3), null), team: "retail media"),
            NewCampaign("c-d", new AlwaysOnSchedule(May4.AddDays(1), May4.AddDays(3)), team: "stores"),
            NewCampaign("c-draft", new AlwaysOnSchedule(May4, null), status: CampaignStatus.Draft),
            NewCampaign("c-later", new OneOffSchedule(May4.AddDays(40))),
        ];
        var random = new Random(seed);
        var lists = new Dictionary<string, List<CampaignTarget>>();
        foreach (var c in campaigns)
        {
            await Store.Campaigns.AddAsync(c, Ct);
            var targets = new List<CampaignTarget>();
            for (var p = 1; p <= 600; p++)
            {
                if (random.NextDouble() > 0.45) continue;
                // Two to three people share a household; some people have none.
                var household = p % 7 == 0 ? null : "h_" + (p / 3);
                targets.Add(new CampaignTarget(new ProfileId(p), household, random.NextDouble() < 0.1, random.NextDouble() < 0.05));
            }
            await Store.Campaigns.SetTargetsAsync(c.Id, targets, Ct);
            lists[c.Id] = targets;
        }
        return lists;
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task The_overlap_matrix_matches_a_brute_force_count(int seed)
    {
        var lists = await SeedOverlapAsync(seed);
        string[] active = ["c-a", "c-b", "c-c", "c-d"];
        var people = active.ToDictionary(id => id, id => lists[id].Where(t => t.Contacted).Select(t => t.Profile.Value).ToHashSet());
        var homes = active.ToDictionary(id => id, id => lists[id].Where(t => t.Contacted && t.HouseholdId is not null).Select(t => t.HouseholdId!).ToHashSet());

        var overlap = await Store.Campaigns.OverlapAsync(May4, May4.AddDays(7), Ct);

        Assert.Equal(active, overlap.Campaigns.Select(c => c.Campaign.Id));
        foreach (var reach in overlap.Campaigns)
        {
            Assert.Equal(people[reach.Campaign.Id].Count, reach.Customers);
            Assert.Equal(homes[reach.Campaign.Id].Count, reach.Households);
        }
        foreach (var a in active)
        {
            foreach (var b in active.Where(b => string.CompareOrdinal(a, b) < 0))
            {
                var expected = (people[a].Intersect(people[b]).LongCount(), homes[a].Intersect(homes[b]).LongCount());
                Assert.True(expected.Item1 > 0, "the seeded lists overlap");
                Assert.Equal(expected, overlap.Shared(a, b));
                Assert.Equal(expected, overlap.Shared(b, a));
            }
        }
        Assert.Equal(6, overlap.Pairs.Count);
    }

    [Fact]
    public async Task The_overlap_follows_replaced_target_lists_and_deleted_campaigns()
    {
        var lists = await SeedOverlapAsync(13);
        // c-a now targets the even people only, all contacted, in households of their own.
        List<CampaignTarget> evens = [.. Enumerable.Range(1, 300).Select(i => new CampaignTarget(new ProfileId(2 * i), "own_" + i, false, false))];
        await Store.Campaigns.SetTargetsAsync("c-a", evens, Ct);
        Assert.True(await Store.Campaigns.DeleteAsync("c-b", Ct));

        var overlap = await Store.Campaigns.OverlapAsync(May4, May4.AddDays(7), Ct);

        Assert.Equal(["c-a", "c-c", "c-d"], overlap.Campaigns.Select(c => c.Campaign.Id));
        Assert.Equal((300, 300), overlap.Shared("c-a", "c-a"));
        foreach (var other in (string[])["c-c", "c-d"])
        {
            var evenContacted = lists[other].Where(t => t.Contacted && t.Profile.Value % 2 == 0).LongCount();
            Assert.True(evenContacted > 0);
            Assert.Equal((evenContacted, 0L), overlap.Shared("c-a", other));
        }
    }

    [Fact]
    public async Task The_overlap_counts_only_campaigns_running_in_the_window()
    {
        await SeedOverlapAsync(5);

        // Monday only: c-a sends on Tuesday, c-b on Tuesdays and Thursdays, c-d starts on Tuesday.
        var monday = await Store.Campaigns.OverlapAsync(May4, May4.AddDays(1), Ct);
        var before = await Store.Campaigns.OverlapAsync(May4.AddDays(-10), May4.AddDays(-5), Ct);

        Assert.Equal(["c-c"], monday.Campaigns.Select(c => c.Campaign.Id));
        Assert.Empty(monday.Pairs);
        Assert.Empty(before.Campaigns);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Customers_contacted_by_k_or_more_campaigns_on_a_day_match_a_brute_force_count(int k)
    {
        var lists = await SeedOverlapAsync(21);
        // Tuesday 5 May: c-a (one-off), c-b (Tuesdays), c-c (always on), c-d (from Tuesday) all run.
        var day = new DateOnly(2026, 5, 5);
        string[] active = ["c-a", "c-b", "c-c", "c-d"];
        var expected = active
            .SelectMany(id => lists[id].Where(t => t.Contacted).Select(t => (Campaign: id, t.Profile)))
            .GroupBy(x => x.Profile)
            .Where(g => g.Count() >= k)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Value)
            .ToList();

        var pressure = await Store.Campaigns.ContactedByAtLeastAsync(day, k, 25, Ct);

        Assert.Equal(expected.Count, pressure.Total);
        Assert.True(pressure.Total > 0, "the seeded lists put someone in k campaigns");
        Assert.Equal(expected.Take(25).Select(g => g.Key), pressure.Customers.Select(c => c.Profile));
        foreach (var (customer, group) in pressure.Customers.Zip(expected))
        {
            Assert.Equal(group.Select(x => x.Campaign).Order(StringComparer.Ordinal), customer.Campaigns.Select(c => c.Id));
        }
    }

    [Fact]
    public async Task Contact_pressure_names_each_campaign_and_its_team_and_skips_days_without_enough_campaigns()
    {
        await SeedOverlapAsync(8);

        var tuesday = await Store.Campaigns.ContactedByAtLeastAsync(new DateOnly(2026, 5, 5), 2, 1000, Ct);
        var monday = await Store.Campaigns.ContactedByAtLeastAsync(new DateOnly(2026, 5, 4), 2, 1000, Ct);

        var teams = new Dictionary<string, string> { ["c-a"] = "loyalty", ["c-b"] = "web", ["c-c"] = "retail media", ["c-d"] = "stores" };
        Assert.All(tuesday.Customers.SelectMany(c => c.Campaigns), c => Assert.Equal(teams[c.Id], c.Team));
        Assert.All(tuesday.Customers.SelectMany(c => c.Campaigns), c => Assert.Equal("Campaign " + c.Id, c.Name));
        Assert.Equal(tuesday.Total, tuesday.Customers.Count);
        Assert.Equal(0, monday.Total);
        Assert.Empty(monday.Customers);
    }
}

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Refreshing_targets_snapshots_the_audience_with_holdout_and_control_computed_as_the_core_computes_them()
    {
        var names = await PeopleAsync();
        var audience = NewAudience("everyone", "loyalty_tier = \"gold\" or not loyalty_tier = \"gold\"");
        await Store.Audiences.AddAsync(audience, Ct);
        // Half-way shares, so each person and flag is a coin toss that a different formula would often get wrong.
        var control = new GlobalControlGroup(true, 0.5, "workspace-salt", "key-1", T0);
        await Store.Campaigns.SetGlobalControlAsync(control, Ct);
        Campaign[] campaigns =
        [
            NewCampaign("c-mail") with { AudienceId = audience.Id, HoldoutShare = 0.5 },
            NewCampaign("c-ads", category: CampaignCategory.Advertising) with { AudienceId = audience.Id, HoldoutShare = 0.5, HoldoutSalt = "another salt" },
            NewCampaign("c-receipts", category: CampaignCategory.Transactional) with { AudienceId = audience.Id, HoldoutShare = 0 },
        ];

        foreach (var campaign in campaigns)
        {
            await Store.Campaigns.AddAsync(campaign, Ct);
            var refresh = await Store.Campaigns.RefreshTargetsAsync(campaign.Id, Now, Ct);

            var members = await Store.Audiences.MembersAsync(refresh.SnapshotId, 0, 100, Ct);
            var expected = members.Select(m => CampaignTarget.For(campaign, control, m.ProfileId, m.HouseholdId)).ToList();
            Assert.Equal(names.Keys.Order(), members.Select(m => m.ProfileId.Value));
            Assert.Equal(expected, await Store.Campaigns.ListTargetsAsync(campaign.Id, Ct));
            Assert.Equal((5, expected.Count(t => t.Holdout), expected.Count(t => t.Control), expected.Count(t => t.Contacted)),
                (refresh.Targets, refresh.HeldOut, refresh.InControl, refresh.Contacted));
        }
        Assert.Equal(0, (await Store.Campaigns.RefreshTargetsAsync("c-receipts", Now, Ct)).InControl);
    }

    [Fact]
    public async Task Refreshing_the_targets_of_a_campaign_without_a_known_audience_is_refused()
    {
        await Store.Campaigns.AddAsync(NewCampaign("c-none") with { AudienceId = null }, Ct);
        await Store.Campaigns.AddAsync(NewCampaign("c-gone") with { AudienceId = "aud-gone" }, Ct);

        await Assert.ThrowsAsync<ConflictException>(() => Store.Campaigns.RefreshTargetsAsync("c-none", T0, Ct));
        await Assert.ThrowsAsync<ConflictException>(() => Store.Campaigns.RefreshTargetsAsync("c-gone", T0, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.Campaigns.RefreshTargetsAsync("c-unknown", T0, Ct));
    }
}

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task Planned_targets_stream_the_contacted_targets_of_the_campaigns_asked_for_by_person_then_position()
    {
        var lists = await SeedOverlapAsync(21);
        string[] asked = ["c-d", "c-a"];
        var expected = asked.SelectMany((id, i) => lists[id].Where(t => t.Contacted).Select(t => (t.Profile.Value, t.HouseholdId, i)))
            .OrderBy(r => r.Value).ThenBy(r => r.i).ToList();

        var rows = new List<(long, string?, int)>();
        await foreach (var t in Store.Campaigns.ReadPlannedTargetsAsync(asked, Ct)) rows.Add((t.Profile.Value, t.HouseholdId, t.Campaign));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, rows);
        await foreach (var _ in Store.Campaigns.ReadPlannedTargetsAsync([], Ct)) Assert.Fail("no campaign asked, no row");
    }

    [Fact]
    public async Task Planned_targets_carry_each_persons_latest_marketing_consent_per_channel()
    {
        var names = await PeopleAsync();
        var ids = names.ToDictionary(n => n.Value, n => new ProfileId(n.Key));
        await Store.Campaigns.AddAsync(NewCampaign("c-mail"), Ct);
        await Store.Campaigns.SetTargetsAsync("c-mail",
            [new CampaignTarget(ids["Ann"], "h-1", false, false), new CampaignTarget(ids["Bob"], "h-1", false, false), new CampaignTarget(ids["Dan"], null, false, false)], Ct);

        var consents = new Dictionary<string, ContactPolicy.ChannelConsents>();
        await foreach (var t in Store.Campaigns.ReadPlannedTargetsAsync(["c-mail"], Ct)) consents[names[t.Profile.Value]] = t.Consents;

        Assert.Equal(ContactPolicy.Consent.Granted, consents["Ann"][Channel.Email]);
        Assert.Equal(ContactPolicy.Consent.Unknown, consents["Ann"][Channel.Sms]);
        Assert.Equal(ContactPolicy.Consent.Refused, consents["Bob"][Channel.Email]);
        Assert.Equal(ContactPolicy.Consent.Granted, consents["Bob"][Channel.Sms]);
        Assert.Equal(ContactPolicy.ChannelConsents.All(ContactPolicy.Consent.Unknown), consents["Dan"]);
    }

    [Fact]
    public async Task Planned_targets_carry_each_persons_time_zone()
    {
        var names = await PeopleAsync();
        var ids = names.ToDictionary(n => n.Value, n => new ProfileId(n.Key));
        await Store.Events.AppendAsync([At("a9", Events.EventType.Track, "u-ann", 1, "App Opened") with { Context = """{"timezone":"Asia/Tokyo"}""" }], Ct);
        await NewResolver().CatchUpAsync(null, Ct);
        await Store.Campaigns.AddAsync(NewCampaign("c-mail"), Ct);
        await Store.Campaigns.SetTargetsAsync("c-mail", [new CampaignTarget(ids["Ann"], "h-1", false, false), new CampaignTarget(ids["Bob"], "h-1", false, false)], Ct);

        var zones = new Dictionary<string, string?>();
        await foreach (var t in Store.Campaigns.ReadPlannedTargetsAsync(["c-mail"], Ct)) zones[names[t.Profile.Value]] = t.TimeZone;
        Assert.Equal("Asia/Tokyo", zones["Ann"]);
        Assert.Null(zones["Bob"]);
    }
}

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task The_simulator_counts_messages_per_customer_and_day_as_planned_and_keeps_at_most_the_cap_with_the_policy()
    {
        var lists = await SeedOverlapAsync(5);
        var policy = new ContactPolicy.ContactPolicyDefinition
        {
            Caps = [new ContactPolicy.ContactCap { Scope = ContactPolicy.CapScope.AllMarketing, Level = ContactPolicy.CapLevel.Customer, Window = ContactPolicy.CapWindow.Day, Limit = 1 }],
            OptInChannels = [],
        };
        var from = DateOnly.FromDateTime(May4.UtcDateTime);

        var report = await new ContactPolicy.Simulation.ContactSimulator(Store.Campaigns, TimeProvider.System).RunAsync(policy, 0, from, 7, null, Ct);

        // Brute force: every active campaign's send days (always-on: one a day it runs) times its contacted targets.
        var days = new Dictionary<string, int[]>
        {
            ["c-a"] = [1], ["c-b"] = [1, 3], ["c-c"] = [0, 1, 2, 3, 4, 5, 6], ["c-d"] = [1, 2],
        };
        var perDay = new Dictionary<(long, int), int>();
        foreach (var (id, sendDays) in days)
            foreach (var t in lists[id].Where(t => t.Contacted))
                foreach (var d in sendDays) perDay[(t.Profile.Value, d)] = perDay.GetValueOrDefault((t.Profile.Value, d)) + 1;
        var customers = perDay.Keys.Select(k => k.Item1).Distinct().Count();
        Assert.Equal(customers, report.Customers);
        Assert.Equal(perDay.Values.Sum(), report.Planned);
        Assert.Equal(perDay.Values.Max(), report.PerCustomer.MaxWithout);
        for (var b = 1; b < 5; b++) Assert.Equal(perDay.Values.Count(v => v == b), report.PerCustomer.Without[b]);
        Assert.Equal((long)customers * 7, report.PerCustomer.Without.Sum());
        Assert.Equal(1, report.PerCustomer.MaxWith);
        Assert.Equal(perDay.Count, report.Kept);
        Assert.Equal(report.Planned - report.Kept, report.Rules.Single(r => r.Code == ContactPolicy.HoldCode.CapReached).HeldBack);
        Assert.Equal(report.HeldBack, report.Teams.Sum(t => t.HeldBack));
        Assert.Equal(["c-a", "c-b", "c-c", "c-d"], report.Campaigns.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.True(report.Campaigns.Single(c => c.Id == "c-c").Estimated);
        Assert.Equal(new DateOnly(2026, 5, 5), report.WorstDays[0].Day);
    }
}
