using CommonGround.Catalog;
using CommonGround.Events;

namespace CommonGround.Core.Tests.Catalog;

public class CatalogClassifierTests
{
    [Theory]
    [InlineData("Order Completed", DataType.Transactional)]
    [InlineData("Order Refunded", DataType.Transactional)]
    [InlineData("Payment Info Entered", DataType.Transactional)]
    [InlineData("Consent Updated", DataType.Consent)]
    [InlineData("Email Unsubscribed", DataType.Consent)]
    [InlineData("Product Viewed", DataType.Behavioural)]
    public void Track_events_are_sorted_by_what_they_say(string name, DataType expected) =>
        Assert.Equal((expected, name), CatalogClassifier.Classify(EventType.Track, name));

    [Fact]
    public void Identify_and_group_describe_profiles() =>
        Assert.Equal([DataType.Profile, DataType.Profile],
            new[] { EventType.Identify, EventType.Group }.Select(t => CatalogClassifier.Classify(t, null).DataType));

    [Theory]
    [InlineData("traits.email", null, true)]
    [InlineData("traits.first_name", null, true)]
    [InlineData("traits.name", null, true)]
    [InlineData("properties.name", null, false)]
    [InlineData("context.ip", null, true)]
    [InlineData("properties.contact", "ann@example.com", true)]
    [InlineData("properties.contact", "+32 470 12 34 56", true)]
    [InlineData("properties.sku", "SKU-123", false)]
    [InlineData("properties.revenue", null, false)]
    public void Personal_data_is_guessed_from_name_and_value(string path, string? sample, bool expected) =>
        Assert.Equal(expected, PersonalData.LooksPersonal(path, sample));
}
