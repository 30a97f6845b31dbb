using CommonGround.ContactPolicy;
using CommonGround.Testing;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>The embedded ledger against the conformance suite every ledger passes.</summary>
public sealed class InMemoryContactLedgerConformanceTests : ContactLedgerConformanceTests
{
    protected override Task<IContactLedger> CreateLedgerAsync(CampaignDirectory campaigns) =>
        Task.FromResult<IContactLedger>(new InMemoryContactLedger(campaigns, stripes: 64));
}
