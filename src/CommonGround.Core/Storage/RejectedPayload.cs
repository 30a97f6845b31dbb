namespace CommonGround.Storage;

/// <summary>
/// A request that was refused (malformed, over a limit), kept with the reason so nothing is lost
/// silently. <see cref="Body"/> holds at most <see cref="MaxBodyChars"/> characters of what was sent.
/// </summary>
public sealed record RejectedPayload
{
    public const int MaxBodyChars = 64 * 1024;

    public required string Id { get; init; }
    public string? SourceId { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The endpoint or file it arrived through, e.g. "/v1/batch".</summary>
    public required string Channel { get; init; }

    public required string Reason { get; init; }
    public string? Body { get; init; }
}
