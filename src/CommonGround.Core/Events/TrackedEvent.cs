namespace CommonGround.Events;

/// <summary>
/// One call from a source, as stored: the Segment spec's common fields plus the source it came from.
/// JSON members (context, properties, traits, integrations) are kept as the raw JSON text the source
/// sent, so nothing is lost and nothing is re-serialised on the hot path.
/// </summary>
/// <remarks>
/// (SourceId, MessageId) is unique: a retried call with the same messageId is stored once.
/// <see cref="Timestamp"/> is the skew-corrected time, as Segment computes it:
/// receivedAt - (sentAt - originalTimestamp) when the client sent both; otherwise the client's
/// timestamp, or receivedAt when there was none. All times are UTC.
/// </remarks>
public sealed record TrackedEvent
{
    public required string SourceId { get; init; }
    public required string MessageId { get; init; }
    public required EventType Type { get; init; }

    /// <summary>The track event's name, or the page or screen name.</summary>
    public string? Name { get; init; }

    /// <summary>The page or screen category.</summary>
    public string? Category { get; init; }

    public string? UserId { get; init; }
    public string? AnonymousId { get; init; }
    public string? GroupId { get; init; }

    /// <summary>The earlier id that an alias call joins to <see cref="UserId"/>.</summary>
    public string? PreviousId { get; init; }

    public required DateTimeOffset Timestamp { get; init; }
    public DateTimeOffset? OriginalTimestamp { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    public string? Context { get; init; }
    public string? Properties { get; init; }
    public string? Traits { get; init; }
    public string? Integrations { get; init; }
}
