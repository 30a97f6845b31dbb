using CommonGround.Identity;

namespace CommonGround.Core.Tests.Identity;

public class IdentifierNormalizerTests
{
    readonly IdentifierNormalizer _normalizer = new(new IdentityOptions { DefaultPhoneRegion = "BE" });

    [Fact]
    public void Emails_are_trimmed_and_lower_cased()
    {
        Assert.True(_normalizer.TryNormalize(IdentifierTypes.Email, "  Ann.Peeters@Example.COM ", out var id));
        Assert.Equal(new Identifier(IdentifierTypes.Email, "ann.peeters@example.com"), id);
    }

    [Theory]
    [InlineData("ann")]
    [InlineData("ann@")]
    [InlineData("@example.com")]
    [InlineData("ann@example")]
    [InlineData("ann@@example.com")]
    [InlineData("ann peeters@example.com")]
    [InlineData("ann@example.")]
    public void Values_that_do_not_look_like_addresses_are_invalid(string value) =>
        Assert.Equal(IdentifierVerdict.Invalid, _normalizer.Normalize(IdentifierTypes.Email, value, out _));

    [Theory]
    [InlineData("+32 470 12 34 56")]
    [InlineData("0470123456")]
    [InlineData("0470/12.34.56")]
    [InlineData("0032 470 12 34 56")]
    public void Phones_written_differently_become_the_same_E164_number(string value)
    {
        Assert.True(_normalizer.TryNormalize(IdentifierTypes.Phone, value, out var id));
        Assert.Equal("+32470123456", id.Value);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("call me")]
    public void Impossible_phone_numbers_are_invalid(string value) =>
        Assert.Equal(IdentifierVerdict.Invalid, _normalizer.Normalize(IdentifierTypes.Phone, value, out _));

    [Theory]
    [InlineData(IdentifierTypes.UserId, "null")]
    [InlineData(IdentifierTypes.UserId, "NULL")]
    [InlineData(IdentifierTypes.UserId, " undefined ")]
    [InlineData(IdentifierTypes.AnonymousId, "Anonymous")]
    [InlineData(IdentifierTypes.UserId, "0")]
    [InlineData(IdentifierTypes.UserId, "-1")]
    [InlineData(IdentifierTypes.LoyaltyId, "None")]
    [InlineData(IdentifierTypes.ExternalId, "N/A")]
    [InlineData(IdentifierTypes.Email, "TEST@test.com")]
    [InlineData(IdentifierTypes.DeviceId, "unknown")]
    [InlineData(IdentifierTypes.UserId, "")]
    [InlineData(IdentifierTypes.UserId, "   ")]
    [InlineData(IdentifierTypes.UserId, null)]
    public void Junk_values_identify_no_one_whatever_their_case(string type, string? value) =>
        Assert.Equal(IdentifierVerdict.Junk, _normalizer.Normalize(type, value, out _));

    [Fact]
    public void A_configured_junk_list_replaces_the_default_one()
    {
        var normalizer = new IdentifierNormalizer(new IdentityOptions { JunkValues = ["demo-user"] });

        Assert.Equal(IdentifierVerdict.Junk, normalizer.Normalize(IdentifierTypes.UserId, "DEMO-USER", out _));
        Assert.Equal(IdentifierVerdict.Accepted, normalizer.Normalize(IdentifierTypes.UserId, "null", out _));
    }

    [Fact]
    public void User_ids_keep_their_case()
    {
        Assert.True(_normalizer.TryNormalize(IdentifierTypes.UserId, " AbC-1 ", out var id));
        Assert.Equal("AbC-1", id.Value);
    }

    [Fact]
    public void Types_that_are_not_configured_are_refused() =>
        Assert.Equal(IdentifierVerdict.UnknownType, _normalizer.Normalize("shoeSize", "42", out _));
}
