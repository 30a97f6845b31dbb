using System.Text;
using CommonGround.Catalog;
using CommonGround.Events;

namespace CommonGround.Core.Tests.Events;

public class SegmentPayloadReaderTests
{
    static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    readonly SegmentPayloadReader _reader = new(new IngestionOptions());

    IReadOnlyList<TrackedEvent> Read(string json, EventType? type = null) =>
        _reader.Read(Encoding.UTF8.GetBytes(json), type, "src", ReceivedAt);

    PayloadError Single(string json, EventType? type = null) =>
        Assert.Single(Assert.Throws<InvalidPayloadException>(() => Read(json, type)).Errors);

    [Fact]
    public void Reads_every_call_type_of_a_batch()
    {
        var events = Read("""
            {"batch":[
              {"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","properties":{"revenue":12.5}},
              {"type":"identify","anonymousId":"a1","traits":{"email":"ann@example.com"}},
              {"type":"page","userId":"u1","name":"Home","category":"Shop"},
              {"type":"screen","userId":"u1","name":"Cart"},
              {"type":"group","userId":"u1","groupId":"acme","traits":{"name":"Acme"}},
              {"type":"alias","userId":"u1","previousId":"a1"}
            ]}
            """);
        Assert.Equal([EventType.Track, EventType.Identify, EventType.Page, EventType.Screen, EventType.Group, EventType.Alias],
            events.Select(e => e.Type));
        Assert.Equal("Order Completed", events[0].Name);
        Assert.Equal("""{"revenue":12.5}""", events[0].Properties);
        Assert.Equal("""{"email":"ann@example.com"}""", events[1].Traits);
        Assert.Equal(("Home", "Shop"), (events[2].Name, events[2].Category));
        Assert.Equal("acme", events[4].GroupId);
        Assert.Equal("a1", events[5].PreviousId);
        Assert.All(events, e => Assert.Equal("src", e.SourceId));
    }

    [Fact]
    public void A_numeric_userId_is_taken_as_its_text()
    {
        var e = Assert.Single(Read("""{"userId":12345,"event":"Signed Up"}""", EventType.Track));
        Assert.Equal("12345", e.UserId);
    }

    [Fact]
    public void A_missing_messageId_is_generated_and_unique()
    {
        var events = Read("""{"batch":[{"type":"track","event":"a","userId":"u"},{"type":"track","event":"a","userId":"u"}]}""");
        Assert.NotEqual(events[0].MessageId, events[1].MessageId);
        Assert.All(events, e => Assert.StartsWith("cg-", e.MessageId));
    }

    [Fact]
    public void Timestamp_is_corrected_for_the_device_clock_skew()
    {
        // The device's clock is an hour fast: it says it sent at 13:00:05 an event of 13:00:00.
        var e = Assert.Single(Read("""
            {"userId":"u","event":"e","timestamp":"2026-11-23T13:00:00Z","sentAt":"2026-11-23T13:00:05Z"}
            """, EventType.Track));
        Assert.Equal(ReceivedAt.AddSeconds(-5), e.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), e.OriginalTimestamp);
    }

    [Fact]
    public void Batch_level_sentAt_and_context_apply_to_each_event()
    {
        var e = Assert.Single(Read("""
            {"sentAt":"2026-11-23T13:00:05Z","context":{"library":{"name":"x"}},
             "batch":[{"type":"track","userId":"u","event":"e","timestamp":"2026-11-23T13:00:00Z"}]}
            """));
        Assert.Equal(ReceivedAt.AddSeconds(-5), e.Timestamp);
        Assert.Equal("""{"library":{"name":"x"}}""", e.Context);
    }

    [Fact]
    public void Without_a_timestamp_the_event_happened_when_received()
    {
        Assert.Equal(ReceivedAt, Assert.Single(Read("""{"userId":"u","event":"e"}""", EventType.Track)).Timestamp);
    }

    [Theory]
    [InlineData("""{"batch":[{"type":"track","event":"e"}]}""", 0, "userId")]
    [InlineData("""{"batch":[{"type":"track","event":"e","userId":""}]}""", 0, "userId")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e"},{"type":"track","userId":"u"}]}""", 1, "event")]
    [InlineData("""{"batch":[{"type":"track","userId":{"id":1},"event":"e"}]}""", 0, "userId")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e","properties":[1,2]}]}""", 0, "properties")]
    [InlineData("""{"batch":[{"type":"identify","userId":"u","traits":"gold"}]}""", 0, "traits")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e","context":5}]}""", 0, "context")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e","timestamp":"yesterday"}]}""", 0, "timestamp")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e","timestamp":1700000000}]}""", 0, "timestamp")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e","sentAt":"2026-13-45T99:00:00Z"}]}""", 0, "sentAt")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":7}]}""", 0, "event")]
    [InlineData("""{"batch":[{"type":"jump","userId":"u"}]}""", 0, "type")]
    [InlineData("""{"batch":[{"userId":"u","event":"e"}]}""", 0, "type")]
    [InlineData("""{"batch":[{"type":"group","userId":"u"}]}""", 0, "groupId")]
    [InlineData("""{"batch":[{"type":"alias","userId":"u"}]}""", 0, "previousId")]
    [InlineData("""{"batch":[{"type":"alias","previousId":"p","anonymousId":"a"}]}""", 0, "userId")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e","messageId":["m"]}]}""", 0, "messageId")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e"},"not an event"]}""", 1, "")]
    [InlineData("""{"batch":[{"type":"track","userId":"u\u0000","event":"e"}]}""", 0, "userId")]
    [InlineData("""{"batch":[{"type":"track","userId":"u","event":"e\u0000"}]}""", 0, "event")]
    public void A_bad_event_is_named_by_index_and_field(string json, int index, string field)
    {
        var error = Single(json);
        Assert.Equal(index, error.Index);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Every_bad_event_of_a_batch_is_reported_not_only_the_first()
    {
        var errors = Assert.Throws<InvalidPayloadException>(() => Read(
            """{"batch":[{"type":"track","userId":"u"},{"type":"track","event":"e","userId":"u"},{"type":"track","event":"e"}]}""")).Errors;
        Assert.Equal([0, 2], errors.Select(e => e.Index!.Value));
    }

    [Fact]
    public void Malformed_json_inside_the_batch_names_the_event_index()
    {
        var error = Single("""{"batch":[{"type":"track","userId":"u","event":"e"},{"type":"track", "event": }]}""");
        Assert.Equal(1, error.Index);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"batch\":")]
    [InlineData("{\"batch\":{}}")]
    [InlineData("{}")]
    [InlineData("nonsense")]
    public void A_body_that_is_no_batch_is_refused_with_a_reason(string json)
    {
        var error = Assert.Single(Assert.Throws<InvalidPayloadException>(() => Read(json)).Errors);
        Assert.Null(error.Index);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Invalid_utf8_in_an_ignored_envelope_member_name_is_no_error()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","userId":"u","event":"e"}],"x""");
        var suffix = Encoding.UTF8.GetBytes(""" ":1}""");
        byte[] body = [.. prefix, 0xC3, 0x28, .. suffix];
        Assert.Single(_reader.Read(body, null, "src", ReceivedAt));
    }

    [Fact]
    public void Invalid_utf8_is_named_by_index_and_field()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","userId":"u","event":"e"},{"type":"track","userId":"u","event":"e","properties":{"name":" """);
        var suffix = Encoding.UTF8.GetBytes(""" "}}]}""");
        byte[] body = [.. prefix, 0xC3, 0x28, .. suffix];
        var error = Assert.Single(Assert.Throws<InvalidPayloadException>(() => _reader.Read(body, null, "src", ReceivedAt)).Errors);
        Assert.Equal(1, error.Index);
        Assert.Equal("properties.name", error.Field);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_over_32_KB_is_refused_by_index()
    {
        var big = new string('x', 33 * 1024);
        var error = Single("""{"batch":[{"type":"track","userId":"u","event":"e"},{"type":"track","userId":"u","event":"e","properties":{"blob":" """.TrimEnd() + big + "\"}}]}");
        Assert.Equal(1, error.Index);
        Assert.Contains("32,768", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_over_500_KB_is_refused()
    {
        var one = """{"type":"track","userId":"u","event":"e","properties":{"p":" """.TrimEnd() + new string('y', 20_000) + "\"}}";
        var events = string.Join(",", Enumerable.Repeat(one, 30));
        var error = Single($$"""{"batch":[{{events}}]}""");
        Assert.Null(error.Index);
        Assert.Contains("512,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_over_2500_events_is_refused()
    {
        var events = string.Join(",", Enumerable.Repeat("""{"type":"track","userId":"u","event":"e"}""", 2_501));
        var error = Single($$"""{"batch":[{{events}}]}""");
        Assert.Equal("batch", error.Field);
        Assert.Contains("2,500", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_call_endpoint_refuses_another_type()
    {
        Assert.Equal("type", Single("""{"type":"identify","userId":"u","event":"e"}""", EventType.Track).Field);
    }

    [Fact]
    public void The_write_key_can_be_found_in_the_body()
    {
        Assert.Equal("wk", SegmentPayloadReader.FindWriteKey(Encoding.UTF8.GetBytes("""{"batch":[],"writeKey":"wk"}""")));
        Assert.Null(SegmentPayloadReader.FindWriteKey(Encoding.UTF8.GetBytes("""{"batch":[}""")));
    }

    [Fact]
    public void The_catalog_learns_each_field_once_per_event()
    {
        var catalog = new CatalogCollector("web", ReceivedAt);
        _reader.Read(Encoding.UTF8.GetBytes("""
            {"batch":[
              {"type":"track","event":"Order Completed","userId":"u","properties":{"revenue":1,"shipping":{"city":"Ghent"}}},
              {"type":"track","event":"Order Completed","userId":"v","properties":{"revenue":2}},
              {"type":"identify","userId":"u","traits":{"email":"ann@example.com","plan":"gold"}}
            ]}
            """), null, "src", ReceivedAt, catalog);
        var byField = catalog.Observations.ToDictionary(o => (o.Key.Dataset, o.Key.Field));
        Assert.Equal(2, byField[("Order Completed", "properties.revenue")].Count);
        Assert.Equal(DataType.Transactional, byField[("Order Completed", "properties.revenue")].Key.DataType);
        Assert.Equal(1, byField[("Order Completed", "properties.shipping.city")].Count);
        Assert.Equal(DataType.Profile, byField[("identify", "traits.email")].Key.DataType);
        Assert.True(byField[("identify", "traits.email")].LooksPersonal);
        Assert.False(byField[("identify", "traits.plan")].LooksPersonal);
        Assert.True(byField[("Order Completed", "userId")].LooksPersonal);
        Assert.All(catalog.Observations, o => Assert.Equal("web", o.Team));
    }

    [Fact]
    public void The_catalog_names_fields_by_their_unescaped_and_full_paths()
    {
        var catalog = new CatalogCollector("web", ReceivedAt);
        var longName = new string('x', 300);
        _reader.Read(Encoding.UTF8.GetBytes($$$"""
            {"batch":[
              {"type":"track","event":"Viewed","userId":"u","properties":{"caf\u00e9":1,"{{{longName}}}":{"size":"L"},"prix €":2}},
              {"type":"track","event":"Viewed","userId":"v","properties":{"café":3}}
            ]}
            """), null, "src", ReceivedAt, catalog);
        var fields = catalog.Observations.ToDictionary(o => o.Key.Field, o => o.Count);
        Assert.Equal(2, fields["properties.café"]);
        Assert.Equal(1, fields[$"properties.{longName}.size"]);
        Assert.Equal(1, fields["properties.prix €"]);
    }
}
