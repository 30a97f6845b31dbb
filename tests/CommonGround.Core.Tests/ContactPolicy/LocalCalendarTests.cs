using CommonGround.ContactPolicy;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Local days and months in UTC, across daylight-saving changes.</summary>
public class LocalCalendarTests
{
    static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Europe/Brussels", 2026, 3, 29, "2026-03-28T23:00:00Z", 23)]
    [InlineData("Europe/Brussels", 2026, 10, 25, "2026-10-24T22:00:00Z", 25)]
    [InlineData("Europe/Brussels", 2026, 6, 10, "2026-06-09T22:00:00Z", 24)]
    [InlineData("America/New_York", 2026, 3, 8, "2026-03-08T05:00:00Z", 23)]
    [InlineData("Asia/Kolkata", 2026, 6, 10, "2026-06-09T18:30:00Z", 24)]
    // Chile moves its clocks at midnight: 6 September 2026 begins at 01:00 local, 04:00 UTC.
    [InlineData("America/Santiago", 2026, 9, 6, "2026-09-06T04:00:00Z", 23)]
    public void A_local_day_begins_at_its_first_local_instant_and_lasts_as_long_as_the_clock_says(
        string zone, int year, int month, int day, string start, int hours)
    {
        var calendar = LocalCalendar.Find(zone);
        var begin = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture);
        var noon = calendar.ToUtc(new DateTime(year, month, day, 12, 0, 0));
        var local = calendar.DayOf(noon.UtcTicks);
        Assert.Equal(new DateOnly(year, month, day), local.Date);
        Assert.Equal(begin.UtcTicks, local.Start);
        Assert.Equal(TimeSpan.FromHours(hours).Ticks, local.End - local.Start);
        // The instants either side of the start belong to the two days.
        Assert.Equal(new DateOnly(year, month, day).AddDays(-1), calendar.DayOf(local.Start - 1).Date);
        Assert.Equal(local, calendar.DayOf(local.Start));
    }

    [Fact]
    public void A_local_month_follows_the_zone()
    {
        var local = LocalCalendar.Find("Asia/Tokyo").DayOf(Utc(2026, 2, 28, 16).UtcTicks);
        Assert.Equal(new DateOnly(2026, 3, 1), local.Date);
        Assert.Equal(Utc(2026, 2, 28, 15).UtcTicks, local.MonthStart);
        Assert.Equal(Utc(2026, 3, 31, 15).UtcTicks, local.MonthEnd);
    }

    [Fact]
    public void A_skipped_local_time_moves_to_the_end_of_the_gap_and_a_repeated_one_takes_the_first()
    {
        var brussels = LocalCalendar.Find("Europe/Brussels");
        Assert.Equal(Utc(2026, 3, 29, 1), brussels.ToUtc(new DateTime(2026, 3, 29, 2, 30, 0)));
        Assert.Equal(Utc(2026, 10, 25, 0, 30), brussels.ToUtc(new DateTime(2026, 10, 25, 2, 30, 0)));
    }

    [Fact]
    public void An_unknown_zone_is_refused_with_an_example()
    {
        Assert.False(LocalCalendar.TryFind("Europe/Atlantis", out _));
        var error = Assert.Throws<ContactRequestException>(() => LocalCalendar.Find("Europe/Atlantis"));
        Assert.Contains("Europe/Brussels", error.Message, StringComparison.Ordinal);
    }
}
