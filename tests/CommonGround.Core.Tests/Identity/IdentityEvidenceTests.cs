using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Records;

namespace CommonGround.Core.Tests.Identity;

public class IdentityEvidenceTests
{
    static readonly DateTimeOffset At = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_identify_call_yields_its_ids_traits_and_device()
    {
        var e = new TrackedEvent
        {
            SourceId = "web", MessageId = "m1", Type = EventType.Identify, Timestamp = At, ReceivedAt = At,
            UserId = "u1", AnonymousId = "a1",
            Traits = """{"email":"ann@example.com","phone":"0470123456","plan":"gold"}""",
            Context = """{"device":{"id":"dev-9"},"traits":{"email":"ann@work.example"}}""",
        };

        var evidence = IdentityEvidence.From(e);

        Assert.Equal(EvidenceReference.Event("web", "m1"), evidence.Reference);
        Assert.Equal(At, evidence.Time);
        Assert.Equal(
            [new(IdentifierTypes.UserId, "u1"), new(IdentifierTypes.AnonymousId, "a1"), new(IdentifierTypes.Email, "ann@example.com"),
             new(IdentifierTypes.Phone, "0470123456"), new(IdentifierTypes.Email, "ann@work.example"), new(IdentifierTypes.DeviceId, "dev-9")],
            evidence.Identifiers);
    }

    [Fact]
    public void An_alias_call_yields_its_previous_id_as_an_anonymous_id()
    {
        var e = new TrackedEvent
        {
            SourceId = "app", MessageId = "m2", Type = EventType.Alias, Timestamp = At, ReceivedAt = At,
            UserId = "u1", PreviousId = "anon-7",
        };

        Assert.Equal([new(IdentifierTypes.UserId, "u1"), new(IdentifierTypes.AnonymousId, "anon-7")], IdentityEvidence.From(e).Identifiers);
    }

    [Fact]
    public void A_customer_record_yields_its_source_scoped_id_email_and_phone()
    {
        var record = new CustomerRecord { SourceId = "loyalty", CustomerId = "C-42", Email = "ann@example.com", Phone = "0470123456" };

        var evidence = IdentityEvidence.From(record, At, IdentifierTypes.LoyaltyId);

        Assert.Equal(EvidenceReference.Record("loyalty", "C-42"), evidence.Reference);
        Assert.Equal(
            [new(IdentifierTypes.LoyaltyId, "loyalty:C-42"), new(IdentifierTypes.Email, "ann@example.com"), new(IdentifierTypes.Phone, "0470123456")],
            evidence.Identifiers);
    }
}
