using CommonGround.Events;
using CommonGround.Profiles;
using CommonGround.Records;

namespace CommonGround.Core.Tests.Profiles;

public class ProfileEventSummaryTests
{
    static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A history with ties in time, late identify calls, repeated order ids and consent changes.</summary>
    static readonly (EventFact Event, long Sequence, string? Traits)[] History =
    [
        (new EventFact(EventType.Identify, null, T0.AddDays(2), "src-web", null), 1, """{"plan":"gold","tier":1}"""),
        (new EventFact(EventType.Track, "Order Completed", T0.AddDays(3), "src-web", """{"order_id":"o-1","revenue":10,"currency":"EUR"}"""), 2, null),
        (new EventFact(EventType.Page, "Home", T0.AddDays(3), "src-web", null), 3, null),
        (new EventFact(EventType.Track, "Email Opened", T0.AddDays(3), "src-mail", null), 4, null),
        (new EventFact(EventType.Track, "Consent Changed", T0.AddDays(4), "src-web", """{"channel":"email","granted":true}"""), 5, null),
        (new EventFact(EventType.Identify, null, T0.AddDays(1), "src-web", null), 6, """{"plan":"silver","region":"north"}"""),
        (new EventFact(EventType.Track, "Order Completed", T0.AddDays(1), "src-web", """{"order_id":"o-1","revenue":99}"""), 7, null),
        (new EventFact(EventType.Track, "Consent Changed", T0.AddDays(4), "src-web", """{"channel":"email","granted":false}"""), 8, null),
        (new EventFact(EventType.Track, "Order Completed", T0.AddDays(5), "src-web", """{"revenue":5,"currency":"eur"}"""), 9, null),
        (new EventFact(EventType.Identify, null, T0.AddDays(2), "src-web", null), 10, """{"tier":2,"plan":null}"""),
        (new EventFact(EventType.Track, "SMS Clicked", T0.AddDays(5), "src-mail", null), 11, null),
    ];

    static ProfileEventSummary Fold(IEnumerable<(EventFact Event, long Sequence, string? Traits)> events)
    {
        var summary = new ProfileEventSummary();
        foreach (var (e, sequence, traits) in events) summary.Add(e, sequence, traits);
        return summary;
    }

    static string Describe(ProfileEventSummary summary)
    {
        var t = summary.Traits([], [], new Dictionary<string, Sources.Source>());
        return string.Join(" | ", t.FirstSeen, t.LastSeen, t.EventCount, t.OrderCount, t.Revenue, t.Currency,
            string.Join(",", t.Channels.Select(c => $"{c.Channel}:{c.Events}:{c.LastAt:O}")),
            string.Join(",", t.Consents.Select(c => $"{c.Channel}/{c.Purpose}={c.Granted}@{c.At:O}")),
            string.Join(",", t.Teams.Select(a => $"{a.Team}:{a.Events}")),
            summary.CustomTraits([]));
    }

    [Fact]
    public void Folding_events_in_any_order_and_in_parts_gives_what_reading_them_oldest_first_gives()
    {
        var oldestFirst = History.OrderBy(h => h.Event.Timestamp).ThenBy(h => h.Sequence).ToList();
        var expected = Describe(Fold(oldestFirst));

        Assert.Equal(expected, Describe(Fold(History)));
        Assert.Equal(expected, Describe(Fold(History.Reverse())));
        var inParts = Fold(History.Take(4));
        foreach (var (e, sequence, traits) in History.Skip(4)) inParts.Add(e, sequence, traits);
        Assert.Equal(expected, Describe(inParts));
    }

    [Fact]
    public void The_first_order_event_of_an_id_counts_the_newest_identify_value_wins_and_the_latest_consent_holds()
    {
        var summary = Fold(History);
        var traits = summary.Traits([], [], new Dictionary<string, Sources.Source>());

        // o-1 first seen on day 1 (revenue 99), once; the order without an id counts too.
        Assert.Equal((2, 104m, "EUR"), (traits.OrderCount, traits.Revenue, traits.Currency));
        Assert.Equal(11, traits.EventCount);
        Assert.False(Assert.Single(traits.Consents).Granted);
        Assert.Equal("""{"plan":null,"region":"north","tier":2}""", summary.CustomTraits([]));
    }

    [Fact]
    public void An_order_record_with_the_id_of_an_order_event_counts_instead_of_it()
    {
        var summary = Fold(History);
        var record = new OrderRecord { SourceId = "src-crm", OrderId = "o-1", CustomerId = "c-1", OrderedAt = T0, Total = 7m, Currency = "EUR" };

        var traits = summary.Traits([record], [], new Dictionary<string, Sources.Source>());

        Assert.Equal((2, 12m, T0), (traits.OrderCount, traits.Revenue, traits.FirstSeen));
    }
}
