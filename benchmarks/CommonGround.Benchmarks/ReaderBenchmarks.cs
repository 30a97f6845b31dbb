using BenchmarkDotNet.Attributes;
using CommonGround.Catalog;
using CommonGround.Events;

namespace CommonGround.Benchmarks;

/// <summary>
/// Parsing and validating one /v1/batch body, with and without the catalog collector. Events/s is
/// Batch / Mean. Run with: <c>dotnet run -c Release --project benchmarks/CommonGround.Benchmarks -- micro</c>.
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    readonly SegmentPayloadReader _reader = new(new IngestionOptions());
    readonly DateTimeOffset _receivedAt = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    byte[] _body = [];

    [Params(100, 1_000)]
    public int Batch { get; set; }

    [Params(false, true)]
    public bool Catalog { get; set; }

    [GlobalSetup]
    public void Setup() => _body = EventCorpus.Create(Batch, 1, "micro").Bodies[0].Bytes;

    [Benchmark]
    public int Read()
    {
        var collector = Catalog ? new CatalogCollector("bench", _receivedAt) : null;
        var events = _reader.Read(_body, null, "src-micro", _receivedAt, collector);
        return events.Count + (collector?.Observations.Count ?? 0);
    }
}
