using CommonGround.Campaigns;

namespace CommonGround.Core.Tests.Campaigns;

public class CampaignCalendarTests
{
    static readonly DateTimeOffset May4 = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);

    static Campaign Campaign(string id, Schedule schedule, CampaignStatus status = CampaignStatus.Scheduled, int priority = 50) => new()
    {
        Id = id, Name = "Campaign " + id, Team = "web", Channel = Channel.Email, Category = CampaignCategory.Marketing,
        Schedule = schedule, Priority = priority, ExpectedValue = 0, HoldoutShare = 0, HoldoutSalt = id, Status = status,
        CreatedBy = "k", CreatedAt = May4, UpdatedBy = "k", UpdatedAt = May4,
    };

    static RecurringSchedule Cron(string cron) =>
        RecurringSchedule.TryCreate(cron, "UTC", May4, null, "schedule", new List<FieldError>())!;

    [Fact]
    public void The_calendar_lists_each_day_with_its_campaigns_by_priority_and_their_times()
    {
        Campaign[] campaigns =
        [
            Campaign("c-one", new OneOffSchedule(May4.AddDays(1).AddHours(9)), priority: 10),
            Campaign("c-weekly", Cron("0 10 * * TUE")),
            Campaign("c-always", new AlwaysOnSchedule(May4, May4.AddDays(2)), CampaignStatus.Draft, priority: 90),
        ];

        var days = CampaignCalendar.Days(campaigns, May4, May4.AddDays(7));

        Assert.Equal([new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 5)], days.Select(d => d.Day));
        Assert.Equal(["c-always"], days[0].Entries.Select(e => e.Campaign.Id));
        Assert.Equal(["c-always", "c-weekly", "c-one"], days[1].Entries.Select(e => e.Campaign.Id));
        Assert.Equal([May4.AddDays(1).AddHours(10)], days[1].Entries[1].Times);
    }

    [Fact]
    public void Only_scheduled_and_live_campaigns_are_active()
    {
        var always = new AlwaysOnSchedule(May4, null);
        Campaign[] campaigns =
        [
            Campaign("c-draft", always, CampaignStatus.Draft), Campaign("c-live", always, CampaignStatus.Live),
            Campaign("c-done", always, CampaignStatus.Done), Campaign("c-scheduled", always),
        ];

        Assert.Equal(["c-live", "c-scheduled"], CampaignCalendar.ActiveOn(campaigns, new DateOnly(2026, 5, 6)).Select(c => c.Id));
    }

    [Fact]
    public void The_busiest_day_has_the_most_active_campaigns()
    {
        Campaign[] campaigns =
        [
            Campaign("c-1", Cron("0 9 * * WED")), Campaign("c-2", Cron("0 12 * * WED")),
            Campaign("c-3", new AlwaysOnSchedule(May4, null)),
            Campaign("c-4", Cron("0 9 * * MON"), CampaignStatus.Draft), Campaign("c-5", Cron("0 12 * * MON"), CampaignStatus.Draft),
            Campaign("c-6", Cron("0 15 * * MON"), CampaignStatus.Draft),
        ];

        Assert.Equal(new DateOnly(2026, 5, 6), CampaignCalendar.BusiestDay(campaigns, May4, May4.AddDays(7)));
        Assert.Null(CampaignCalendar.BusiestDay([], May4, May4.AddDays(7)));
    }
}
