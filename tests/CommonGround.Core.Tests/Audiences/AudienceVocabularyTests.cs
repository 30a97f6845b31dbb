using CommonGround.Audiences;
using CommonGround.Catalog;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceVocabularyTests
{
    static readonly AudienceVocabulary Vocabulary = new(
    [
        AudienceValidatorTests.Field(DataType.Profile, "identify", "traits.loyalty_tier"),
        AudienceValidatorTests.Field(DataType.Profile, "customers", "traits.loyalty_tier"),
        AudienceValidatorTests.Field(DataType.Profile, "customers", "city"),
        AudienceValidatorTests.Field(DataType.Profile, "group", "traits.industry"),
        AudienceValidatorTests.Field(DataType.Transactional, "Order Completed", "properties.revenue", "number"),
        AudienceValidatorTests.Field(DataType.Transactional, "Order Completed", "properties.coupon"),
        AudienceValidatorTests.Field(DataType.Transactional, "Order Completed", "properties.items", "number"),
        AudienceValidatorTests.Field(DataType.Behavioural, "page", "properties.url"),
    ], AudienceValidator.ComputedTraits, ["lapsed-vips"]);

    [Fact]
    public void Person_traits_are_the_computed_ones_then_the_catalog_s_once_each_without_their_prefix()
    {
        Assert.Equal([.. AudienceValidator.ComputedTraits, "loyalty_tier", "city"], Vocabulary.TraitsOf(TraitLevel.Person));
        Assert.Equal([.. AudienceValidator.BusinessTraits, "industry"], Vocabulary.TraitsOf(TraitLevel.Business));
        Assert.Equal(AudienceValidator.HouseholdTraits, Vocabulary.TraitsOf(TraitLevel.Household));
    }

    [Fact]
    public void Events_are_the_track_datasets_with_their_number_properties_for_sums()
    {
        Assert.Equal(["Order Completed"], Vocabulary.Events.Keys);
        Assert.Equal(["items", "revenue"], Vocabulary.NumberProperties("Order Completed"));
        Assert.Empty(Vocabulary.NumberProperties("Product Viewed"));
        Assert.Equal(AudienceValidator.IdentifierTypeNames, Vocabulary.IdentifierTypes);
    }
}
