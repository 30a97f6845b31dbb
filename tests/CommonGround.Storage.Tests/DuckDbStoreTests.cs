namespace CommonGround.Storage.Tests;

public sealed class DuckDbStoreTests() : StoreConformanceTests(StoreOptions.DuckDb);
