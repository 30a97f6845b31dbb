using System.ComponentModel.DataAnnotations;

namespace CommonGround.Events;

/// <summary>
/// Limits of the tracking API (Segment's, by default) and the group commit's size; bound to the
/// "Ingestion" configuration section.
/// </summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest single event, in bytes of JSON (Segment: 32 KB).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 32 * 1024;

    /// <summary>Largest request body after decompression, in bytes (Segment: 500 KB).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 500 * 1024;

    /// <summary>Most events in one /v1/batch call (Segment: 2,500).</summary>
    [Range(1, 100_000)]
    public int MaxBatchEvents { get; set; } = 2_500;

    /// <summary>Most events written in one transaction by the group commit.</summary>
    [Range(1, 1_000_000)]
    public int MaxEventsPerCommit { get; set; } = 20_000;
}
