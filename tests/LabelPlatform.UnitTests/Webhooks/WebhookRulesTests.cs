using System.Net;
using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Webhooks;

namespace LabelPlatform.UnitTests.Webhooks;

/// <summary>The signature a receiver checks, the addresses a webhook may reach, and the retry schedule.</summary>
public class WebhookRulesTests
{
    [Fact]
    public void Signature_IsHmacSha256OfTimestampDotBody_InStripesHeaderShape()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_765_000_000);
        var header = WebhookSignature.Sign("{\"a\":1}", at, ["whsec_one", "whsec_two"]);

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_one"), Encoding.UTF8.GetBytes("1765000000.{\"a\":1}")));
        Assert.StartsWith($"t=1765000000,v1={expected},v1=", header);
        Assert.True(WebhookSignature.Verify(header, "{\"a\":1}", "whsec_two", at.AddMinutes(4)));
        Assert.False(WebhookSignature.Verify(header, "{\"a\":1}", "whsec_two", at.AddMinutes(6)));
        Assert.False(WebhookSignature.Verify(header, "{\"a\":2}", "whsec_one", at));
        Assert.False(WebhookSignature.Verify(header.Replace("t=1765000000", "t=1765000001", StringComparison.Ordinal), "{\"a\":1}", "whsec_one", at));
        Assert.False(WebhookSignature.Verify("", "{}", "whsec_one", at));
        Assert.False(WebhookSignature.Verify("v1=abc", "{}", "whsec_one", at));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    public void IsPublic_OnlyAddressesOnThePublicInternet(string address, bool expected) =>
        Assert.Equal(expected, WebhookUrls.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void NextAttempt_DoublesFromTheBase_UpToTheCap_ThenGivesUpAtTheDeadline()
    {
        var options = new WebhookOptions { RetryBase = TimeSpan.FromMinutes(1), RetryCap = TimeSpan.FromHours(4) };
        var now = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var deadline = now.AddHours(24);
        foreach (var (attempts, wait) in new[] { (1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (9, 240.0), (20, 240.0) })
        {
            var next = options.NextAttempt(attempts, now, deadline)!.Value;
            Assert.InRange((next - now).TotalMinutes, wait, wait * 1.1);
        }

        Assert.Null(options.NextAttempt(9, deadline.AddHours(-1), deadline));
        Assert.Null(options.NextAttempt(1, deadline, deadline));
    }
}
