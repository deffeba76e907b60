using Xunit.Abstractions;
using Xunit.Sdk;

namespace LabelPlatform.EndToEndTests.Diagnostics;

/// <summary>
/// A test that drives the browser. Every browser context it opens is traced; when it fails, the
/// trace, a screenshot, the DOM and the console and network log of each page are kept in a folder,
/// and the failure message names that folder and says what each page showed.
/// </summary>
[XunitTestCaseDiscoverer("LabelPlatform.EndToEndTests.Diagnostics.BrowserFactDiscoverer", "LabelPlatform.EndToEndTests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute;

public sealed class BrowserFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new BrowserTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}
