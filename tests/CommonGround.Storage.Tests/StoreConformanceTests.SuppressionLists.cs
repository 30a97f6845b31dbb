using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.ContactPolicy.Simulation;
using CommonGround.Identity;
using CommonGround.Records;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    private static readonly Identifier AnnMail = new("email", "ann@example.com");
    private static readonly Identifier BobMail = new("email", "bob@example.com");
    private static readonly Identifier CatMail = new("email", "cat@example.com");
    private const string DoNotContact = "do-not-contact";

    private Task<int> SuppressAsync(string list, params Identifier[] identifiers) =>
        Store.SuppressionLists.AddMembersAsync(list, [.. identifiers.Select(i => new SuppressionEntry(i, "asked by phone"))], "key-admin", T0, Ct);

    [Fact]
    public async Task Adding_members_again_adds_only_the_new_ones_and_keeps_the_first_reason()
    {
        Assert.Equal(2, await SuppressAsync(DoNotContact, AnnMail, BobMail));

        var again = await Store.SuppressionLists.AddMembersAsync(DoNotContact,
            [new SuppressionEntry(AnnMail, "changed my mind"), new SuppressionEntry(CatMail, "  "), new SuppressionEntry(CatMail, "twice")], "key-other", T0.AddHours(1), Ct);

        Assert.Equal(1, again);
        Assert.Equal([new SuppressionListCount(DoNotContact, 3)], await Store.SuppressionLists.CountsAsync(Ct));
        var ann = await Store.SuppressionLists.FindMemberAsync(DoNotContact, AnnMail, Ct);
        Assert.Equal(new SuppressionMember(DoNotContact, AnnMail, "asked by phone", "key-admin", T0), ann);
        var cat = await Store.SuppressionLists.FindMemberAsync(DoNotContact, CatMail, Ct);
        Assert.Equal((null, "key-other", T0.AddHours(1)), (cat!.Reason, cat.AddedBy, cat.AddedAt));
    }

    [Fact]
    public async Task Lists_are_kept_apart_and_counted_each()
    {
        await SuppressAsync(DoNotContact, AnnMail, BobMail);
        await SuppressAsync("bounced", AnnMail);

        Assert.Equal([new SuppressionListCount("bounced", 1), new SuppressionListCount(DoNotContact, 2)], await Store.SuppressionLists.CountsAsync(Ct));
        Assert.Null(await Store.SuppressionLists.FindMemberAsync("bounced", BobMail, Ct));
        Assert.Null(await Store.SuppressionLists.FindMemberAsync("Bounced", AnnMail, Ct));
    }

    [Fact]
    public async Task Members_page_by_identifier_type_then_value()
    {
        var phone = new Identifier("phone", "+447911123456");
        await SuppressAsync(DoNotContact, CatMail, phone, AnnMail, BobMail);

        var first = await Store.SuppressionLists.MembersAsync(DoNotContact, null, 2, Ct);
        var second = await Store.SuppressionLists.MembersAsync(DoNotContact, first[^1].Identifier, 2, Ct);
        var last = await Store.SuppressionLists.MembersAsync(DoNotContact, second[^1].Identifier, 2, Ct);

        Assert.Equal([AnnMail, BobMail], first.Select(m => m.Identifier));
        Assert.Equal([CatMail, phone], second.Select(m => m.Identifier));
        Assert.Empty(last);
        Assert.Empty(await Store.SuppressionLists.MembersAsync("unknown", null, 10, Ct));
    }

    [Fact]
    public async Task Removing_a_member_takes_it_off_that_list_only_and_an_emptied_list_is_not_counted()
    {
        await SuppressAsync(DoNotContact, AnnMail);
        await SuppressAsync("bounced", AnnMail);

        Assert.True(await Store.SuppressionLists.RemoveMemberAsync(DoNotContact, AnnMail, Ct));
        Assert.False(await Store.SuppressionLists.RemoveMemberAsync(DoNotContact, AnnMail, Ct));

        Assert.Equal([new SuppressionListCount("bounced", 1)], await Store.SuppressionLists.CountsAsync(Ct));
        Assert.Equal(1, await SuppressAsync(DoNotContact, AnnMail));
    }

    [Fact]
    public async Task A_bad_list_name_or_too_many_members_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SuppressAsync("two\nlines", AnnMail));
        await Assert.ThrowsAsync<ArgumentException>(() => SuppressAsync(" ", AnnMail));
        var many = Enumerable.Range(0, SuppressionLists.MaxBatch + 1).Select(i => new Identifier("userId", "u-" + i)).ToArray();
        await Assert.ThrowsAsync<ArgumentException>(() => SuppressAsync(DoNotContact, many));
        Assert.Empty(await Store.SuppressionLists.CountsAsync(Ct));
    }

    [Fact]
    public async Task A_profiles_lists_come_from_any_of_its_identifiers_and_an_absorbed_profile_answers_for_its_survivor()
    {
        var changes = await MergedPairAsync();
        var phone = new Identifier("phone", "+447911123456");
        // The phone is still linked to the absorbed profile: its survivor's lists include it through profile_survivors.
        await Store.Identity.SaveAsync(changes with { Identifiers = [.. changes.Identifiers, new IdentifierLink(phone, new ProfileId(2), null)] }, Ct);
        await SuppressAsync(DoNotContact, AnnEmail);
        await SuppressAsync("bounced", AnnRecord, AnnEmail);
        await SuppressAsync("no-sms", phone);
        await SuppressAsync("someone-else", BobMail);

        string[] expected = ["bounced", DoNotContact, "no-sms"];
        Assert.Equal(expected, await Store.SuppressionLists.SuppressionListsOfAsync(new ProfileId(1), Ct));
        Assert.Equal(expected, await Store.SuppressionLists.SuppressionListsOfAsync(new ProfileId(2), Ct));
        Assert.Empty(await Store.SuppressionLists.SuppressionListsOfAsync(new ProfileId(99), Ct));
        var profile = await Store.Profiles.GetAsync(new ProfileId(1), Ct);
        Assert.Equal(["bounced", DoNotContact], await Store.SuppressionLists.SuppressionListsOfAsync(profile!.Identifiers, Ct));
    }

    [Fact]
    public async Task The_lists_of_a_set_of_identifiers_are_those_any_of_them_is_on()
    {
        await SuppressAsync(DoNotContact, AnnMail, BobMail);
        await SuppressAsync("bounced", BobMail);
        await SuppressAsync("no-sms", CatMail);

        Assert.Equal(["bounced", DoNotContact], await Store.SuppressionLists.SuppressionListsOfAsync([AnnMail, BobMail, new Identifier("userId", "u-x")], Ct));
        Assert.Equal([DoNotContact], await Store.SuppressionLists.SuppressionListsOfAsync([AnnMail], Ct));
        Assert.Empty(await Store.SuppressionLists.SuppressionListsOfAsync([new Identifier("email", "ANN@example.com")], Ct));
        Assert.Empty(await Store.SuppressionLists.SuppressionListsOfAsync(Array.Empty<Identifier>(), Ct));
    }

    [Fact]
    public async Task A_member_added_before_anyone_had_the_identifier_counts_for_the_profile_that_gets_it()
    {
        await SuppressAsync(DoNotContact, new Identifier("email", "late@example.com"));
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync([new CustomerRecord { SourceId = "src-crm", CustomerId = "c-late", Email = "Late@Example.com" }], Ct);
        await NewResolver().CatchUpAsync(null, Ct);

        var late = await Store.Profiles.FindAsync(new Identifier("email", "late@example.com"), Ct);

        Assert.NotNull(late);
        Assert.Equal([DoNotContact], await Store.SuppressionLists.SuppressionListsOfAsync(late.Value, Ct));
    }

    /// <summary>Ann, Bob and Dan targeted by an always-on e-mail campaign for the week of May 4; Ann on two lists, Bob and Dan on one each.</summary>
    private async Task<Dictionary<long, string>> SuppressedTargetsAsync()
    {
        var names = await PeopleAsync();
        var ids = names.ToDictionary(n => n.Value, n => new ProfileId(n.Key));
        await Store.Campaigns.AddAsync(NewCampaign("c-mail"), Ct);
        await Store.Campaigns.SetTargetsAsync("c-mail",
            [new CampaignTarget(ids["Ann"], "h-1", false, false), new CampaignTarget(ids["Bob"], "h-1", false, false), new CampaignTarget(ids["Dan"], null, false, false)], Ct);
        await SuppressAsync(DoNotContact, AnnMail, new Identifier("userId", "u-dan"));
        await SuppressAsync("bounced", AnnMail, new Identifier("userId", "u-ann"), BobMail);
        return names;
    }

    [Fact]
    public async Task Planned_targets_carry_the_stored_lists_each_person_is_on()
    {
        var names = await SuppressedTargetsAsync();

        var lists = new Dictionary<string, IReadOnlyList<string>?>();
        await foreach (var t in Store.Campaigns.ReadPlannedTargetsAsync(["c-mail"], Ct)) lists[names[t.Profile.Value]] = t.SuppressionLists;

        Assert.Equal(["bounced", DoNotContact], lists["Ann"]);
        Assert.Equal(["bounced"], lists["Bob"]);
        Assert.Equal([DoNotContact], lists["Dan"]);
    }

    [Fact]
    public async Task The_simulator_holds_back_every_message_to_a_customer_on_a_list_the_policy_defines()
    {
        var names = await SuppressedTargetsAsync();
        var policy = new ContactPolicyDefinition
        {
            OptInChannels = [],
            SuppressionLists = [new SuppressionList { Name = DoNotContact }],
        };

        var report = await new ContactSimulator(Store.Campaigns, TimeProvider.System).RunAsync(policy, 0, DateOnly.FromDateTime(May4.UtcDateTime), 7, null, Ct);

        // Ann and Dan are on do-not-contact (7 messages each); "bounced" is not in the policy and blocks nothing,
        // so Bob, who is only on it, is held back for his refused consent instead.
        Assert.Equal(14, report.Rules.Single(r => r.Code == HoldCode.Suppressed).HeldBack);
        Assert.Equal(7, report.Rules.Single(r => r.Code == HoldCode.ConsentRefused).HeldBack);

        var plan = new ContactPlan(May4);
        var campaign = plan.AddCampaign(CampaignFacts.Of(NewCampaign("c-mail")));
        var defined = new DefinedSuppressionLists(policy);
        await foreach (var t in Store.Campaigns.ReadPlannedTargetsAsync(["c-mail"], Ct))
            plan.AddSend(plan.AddCustomer(t.Profile, t.HouseholdId, null, t.Consents, defined.Of(t.SuppressionLists)), campaign, May4.AddHours(12));
        var result = new Arbitrator(new PolicyHistory(policy, "test", new CampaignDirectory(), TimeProvider.System), null, TimeProvider.System).Run(plan);
        var held = Enumerable.Range(0, plan.SendCount).Where(s => result.CodeOf(s) == HoldCode.Suppressed).ToList();
        Assert.Equal(["Ann", "Dan"], held.Select(s => names[plan.Profile(plan.CustomerOf(s)).Value]).Order(StringComparer.Ordinal));
        Assert.Contains("on the suppression list 'do-not-contact'", result.Explain(held[0]).Single().Text, StringComparison.Ordinal);
    }
}
