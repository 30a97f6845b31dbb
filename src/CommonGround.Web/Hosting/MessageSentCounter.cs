using System.Collections.Concurrent;
using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.Web.Hosting;

/// <summary>
/// Counts the "Message Sent" track events that arrive through ingestion (<c>/v1/track</c>,
/// <c>/v1/batch</c>) in the contact ledger (<see cref="ContactDecider.RecordSentAsync"/>), so
/// messages sent outside a real-time decision count toward the caps. An event whose user already
/// resolves to a profile is counted before the request is answered; the others wait for identity
/// resolution (<see cref="CountWaitingAsync"/> runs after each catch-up), at most
/// <see cref="GiveUpAfter"/>. Waiting events are kept in memory only: a restart forgets them.
/// Thread-safe.
/// </summary>
public sealed class MessageSentCounter(IStore store, ContactDecider decider, CampaignDirectory campaigns, TimeProvider time,
    ILogger<MessageSentCounter> logger)
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(1);

    readonly ConcurrentQueue<TrackedEvent> _waiting = new();

    /// <summary>Counts the committed events that report a sent message (others are ignored at the cost of a name check).</summary>
    public async Task TakeAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (MessageSentEvent.Is(e) && !await TryCountAsync(e, ct)) _waiting.Enqueue(e);
        }
    }

    /// <summary>Counts the waiting events whose user is now known; forgets those waiting too long.</summary>
    public async Task CountWaitingAsync(CancellationToken ct)
    {
        for (var n = _waiting.Count; n > 0 && _waiting.TryDequeue(out var e); n--)
        {
            if (await TryCountAsync(e, ct)) continue;
            if (time.GetUtcNow() - e.ReceivedAt < GiveUpAfter) _waiting.Enqueue(e);
            else logger.LogWarning("A \"Message Sent\" event (messageId hash {Hash}) was not counted: its user resolved to no profile within {Limit}.",
                e.MessageId.GetHashCode(StringComparison.Ordinal), GiveUpAfter);
        }
    }

    /// <returns>False when the event's user is not known yet.</returns>
    async Task<bool> TryCountAsync(TrackedEvent e, CancellationToken ct)
    {
        if (await ProfileOfAsync(e, ct) is not { } profile) return false;
        try
        {
            await KnowCampaignAsync(e, ct);
            var household = (await store.Profiles.GetAsync(profile, ct))?.Household?.Id;
            await decider.RecordSentAsync(MessageSentEvent.Read(e, profile, campaigns, household), ct);
        }
        catch (Exception ex) when (ex is ContactRequestException or JsonException)
        {
            // The event is stored all the same; only the ledger misses it. The reason names properties, not people.
            logger.LogWarning("A \"Message Sent\" event was not counted in the contact ledger: {Reason}", ex.Message);
        }
        return true;
    }

    async Task<ProfileId?> ProfileOfAsync(TrackedEvent e, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(e.UserId)
            && await store.Profiles.FindAsync(new Identifier(IdentifierTypes.UserId, e.UserId.Trim()), ct) is { } byUser)
            return byUser;
        if (!string.IsNullOrWhiteSpace(e.AnonymousId)
            && await store.Profiles.FindAsync(new Identifier(IdentifierTypes.AnonymousId, e.AnonymousId.Trim()), ct) is { } byDevice)
            return byDevice;
        return null;
    }

    /// <summary>A campaign of the calendar may be reported by its id alone: register its facts first.</summary>
    async Task KnowCampaignAsync(TrackedEvent e, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(e.Properties)) return;
        using var json = JsonDocument.Parse(e.Properties);
        if (json.RootElement.ValueKind != JsonValueKind.Object) return;
        string? id = null;
        foreach (var name in (ReadOnlySpan<string>)["campaign_id", "campaignId"])
        {
            if (json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String) id = value.GetString();
        }
        if (string.IsNullOrWhiteSpace(id) || campaigns.Find(id) is not null) return;
        if (await store.Campaigns.FindAsync(id, ct) is { } campaign) campaigns.Register(CampaignFacts.Of(campaign));
    }
}
