using CommonGround.Campaigns;

namespace CommonGround.Core.Tests.Campaigns;

public class ScheduleTests
{
    static DateTimeOffset Utc(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    static RecurringSchedule Recurring(string cron, string zone, DateTimeOffset start, DateTimeOffset? end = null)
    {
        var errors = new List<FieldError>();
        var schedule = RecurringSchedule.TryCreate(cron, zone, start, end, "schedule", errors);
        Assert.Empty(errors);
        return schedule!;
    }

    static List<FieldError> Errors(ScheduleFields fields)
    {
        var errors = new List<FieldError>();
        fields.ToSchedule(errors);
        return errors;
    }

    [Fact]
    public void A_weekly_cron_sends_on_its_days_at_its_time()
    {
        var schedule = Recurring("0 9 * * MON,THU", "UTC", Utc(5, 1));

        Assert.Equal([Utc(5, 4, 9), Utc(5, 7, 9), Utc(5, 11, 9)], schedule.TimesBetween(Utc(5, 1), Utc(5, 12)));
    }

    [Fact]
    public void A_cron_is_read_in_its_time_zone_across_the_spring_daylight_saving_change()
    {
        // London moves from GMT to BST at 01:00 UTC on Sunday 29 March 2026.
        var schedule = Recurring("0 9 * * *", "Europe/London", Utc(3, 1));

        Assert.Equal([Utc(3, 28, 9), Utc(3, 29, 8), Utc(3, 30, 8)], schedule.TimesBetween(Utc(3, 28), Utc(3, 31)));
    }

    [Fact]
    public void A_time_in_the_spring_gap_is_sent_once_at_the_end_of_the_gap()
    {
        // 01:30 does not exist in London on 29 March 2026: the clocks jump from 01:00 to 02:00.
        var schedule = Recurring("30 1 * * *", "Europe/London", Utc(3, 1));

        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 29, 1), Utc(3, 30, 0, 30)], schedule.TimesBetween(Utc(3, 28), Utc(3, 31)));
    }

    [Fact]
    public void A_time_that_happens_twice_in_autumn_is_sent_once()
    {
        // 01:30 happens twice in London on 25 October 2026 (BST, then GMT).
        var schedule = Recurring("30 1 * * *", "Europe/London", Utc(10, 1));

        var times = schedule.TimesBetween(Utc(10, 25), Utc(10, 26)).ToList();

        Assert.Equal([Utc(10, 25, 0, 30)], times);
    }

    [Fact]
    public void A_cron_in_new_york_follows_american_daylight_saving()
    {
        // New York moves to EDT on 8 March 2026, three weeks before London.
        var schedule = Recurring("0 12 * * *", "America/New_York", Utc(3, 1));

        Assert.Equal([Utc(3, 7, 17), Utc(3, 8, 16)], schedule.TimesBetween(Utc(3, 7), Utc(3, 9)));
    }

    [Fact]
    public void A_recurring_schedule_sends_nothing_before_its_start_nor_from_its_end()
    {
        var schedule = Recurring("0 9 * * *", "UTC", Utc(5, 3, 9), Utc(5, 5, 9));

        Assert.Equal([Utc(5, 3, 9), Utc(5, 4, 9)], schedule.TimesBetween(Utc(5, 1), Utc(5, 10)));
    }

    [Fact]
    public void Days_are_utc_days_even_when_the_local_day_differs()
    {
        // 00:30 in London during summer time is 23:30 UTC the day before.
        var schedule = Recurring("30 0 * * *", "Europe/London", Utc(6, 1));

        var days = schedule.DaysBetween(Utc(6, 10), Utc(6, 12));

        Assert.Equal([new DateOnly(2026, 6, 10), new DateOnly(2026, 6, 11)], days.Select(d => d.Day));
        Assert.Equal([Utc(6, 10, 23, 30)], days[0].Times);
    }

    [Fact]
    public void A_one_off_runs_only_in_windows_that_hold_its_moment()
    {
        var schedule = new OneOffSchedule(Utc(5, 4, 9));

        Assert.True(schedule.RunsBetween(Utc(5, 4, 9), Utc(5, 4, 10)));
        Assert.False(schedule.RunsBetween(Utc(5, 4), Utc(5, 4, 9)));
        Assert.True(schedule.RunsOn(new DateOnly(2026, 5, 4)));
        Assert.False(schedule.RunsOn(new DateOnly(2026, 5, 5)));
    }

    [Fact]
    public void An_always_on_campaign_runs_on_every_day_it_touches_and_not_on_the_day_it_ends_at_midnight()
    {
        var schedule = new AlwaysOnSchedule(Utc(5, 4, 15), Utc(5, 7));

        var days = schedule.DaysBetween(Utc(5, 1), Utc(5, 31));

        Assert.Equal([new DateOnly(2026, 5, 4), new DateOnly(2026, 5, 5), new DateOnly(2026, 5, 6)], days.Select(d => d.Day));
        Assert.All(days, d => Assert.Empty(d.Times));
        Assert.False(schedule.RunsOn(new DateOnly(2026, 5, 7)));
        Assert.True(new AlwaysOnSchedule(Utc(5, 4), null).RunsOn(new DateOnly(2031, 1, 1)));
    }

    [Fact]
    public void An_hourly_cron_is_accepted_and_a_half_hourly_one_is_refused()
    {
        Assert.Equal(24, Recurring("0 * * * *", "UTC", Utc(5, 1)).TimesBetween(Utc(5, 2), Utc(5, 3)).Count());

        var error = Assert.Single(Errors(new ScheduleFields("recurring", Cron: "*/30 * * * *", TimeZone: "UTC", Start: "2026-05-01")));

        Assert.Equal("schedule.cron", error.Field);
        Assert.Contains("alwaysOn", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 9 * *", "five-field")]
    [InlineData("0 9 * * * *", "five-field")]
    [InlineData("61 9 * * *", "not a valid cron")]
    [InlineData("0 9 * * FUNDAY", "not a valid cron")]
    public void A_bad_cron_is_refused_with_a_message_naming_the_field(string cron, string says)
    {
        var error = Assert.Single(Errors(new ScheduleFields("recurring", Cron: cron, TimeZone: "UTC", Start: "2026-05-01T00:00:00Z")));

        Assert.Equal("schedule.cron", error.Field);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        Assert.Contains(cron, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused()
    {
        var error = Assert.Single(Errors(new ScheduleFields("recurring", Cron: "0 9 * * *", TimeZone: "Mars/Olympus", Start: "2026-05-01")));

        Assert.Equal("schedule.timeZone", error.Field);
        Assert.Contains("Mars/Olympus", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "schedule.kind")]
    [InlineData("sometimes", "schedule.kind")]
    public void An_unknown_kind_is_refused(string? kind, string field)
    {
        Assert.Equal(field, Assert.Single(Errors(new ScheduleFields(kind))).Field);
    }

    [Fact]
    public void Missing_and_malformed_times_are_named()
    {
        Assert.Equal("schedule.at", Assert.Single(Errors(new ScheduleFields("oneOff"))).Field);
        Assert.Equal("schedule.at", Assert.Single(Errors(new ScheduleFields("oneOff", At: "next tuesday"))).Field);
        Assert.Equal("schedule.start", Assert.Single(Errors(new ScheduleFields("alwaysOn"))).Field);
        Assert.Equal("schedule.end", Assert.Single(Errors(new ScheduleFields("alwaysOn", Start: "2026-05-02", End: "2026-05-01"))).Field);
        Assert.Equal(["schedule.cron", "schedule.timeZone"], Errors(new ScheduleFields("recurring", Start: "2026-05-01")).Select(e => e.Field));
    }

    [Fact]
    public void A_time_without_an_offset_is_utc()
    {
        var schedule = new ScheduleFields("oneOff", At: "2026-05-04T09:00:00").ToSchedule(new List<FieldError>());

        Assert.Equal(new OneOffSchedule(Utc(5, 4, 9)), schedule);
    }

    [Fact]
    public void Schedule_fields_round_trip()
    {
        Schedule[] schedules = [new OneOffSchedule(Utc(5, 4, 9)), Recurring("0 9 * * MON", "Europe/London", Utc(5, 1), Utc(8, 1)), new AlwaysOnSchedule(Utc(5, 1), null)];

        foreach (var schedule in schedules)
            Assert.Equal(schedule, ScheduleFields.From(schedule).ToSchedule(new List<FieldError>()));
    }
}
