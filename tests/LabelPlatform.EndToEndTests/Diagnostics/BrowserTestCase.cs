using Xunit.Abstractions;
using Xunit.Sdk;

namespace LabelPlatform.EndToEndTests.Diagnostics;

/// <summary>Runs a <see cref="BrowserFactAttribute"/> test with a <see cref="BrowserRecording"/> that its pages join.</summary>
public sealed class BrowserTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public BrowserTestCase()
    {
    }

    public BrowserTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
    }

    public override async Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var recording = new BrowserRecording(TestMethod.TestClass.Class.Name.Split('.')[^1] + "." + TestMethod.Method.Name);
        BrowserRecording.Current = recording; // flows into the test's own code
        using var bus = new RecordingMessageBus(messageBus, recording);
        try
        {
            return await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        }
        finally
        {
            BrowserRecording.Current = null;
            await recording.CloseAsync();
        }
    }

    /// <summary>
    /// Keeps the recording of a failed test before its failure is reported, and adds where it is and
    /// what the pages showed to the failure's message; a passed test's recording is dropped.
    /// </summary>
    private sealed class RecordingMessageBus(IMessageBus inner, BrowserRecording recording) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed)
            {
                // The bus is synchronous; the recording is saved off xunit's synchronization context.
                var report = Task.Run(recording.SaveAsync).GetAwaiter().GetResult();
                if (report is not null)
                {
                    var messages = failed.Messages.ToArray();
                    messages[0] = $"{messages[0]}{Environment.NewLine}{Environment.NewLine}{report}";
                    message = new TestFailed(failed.Test, failed.ExecutionTime, failed.Output, failed.ExceptionTypes, messages, failed.StackTraces, failed.ExceptionParentIndices);
                }
            }

            else if (message is ITestPassed passed && !recording.PolicyViolations.IsEmpty)
            {
                // Every browser test also checks that the Content-Security-Policy broke nothing on its pages.
                var report = Task.Run(recording.SaveAsync).GetAwaiter().GetResult();
                var violations = string.Join(Environment.NewLine, recording.PolicyViolations.Distinct().Take(10));
                message = new TestFailed(
                    passed.Test,
                    passed.ExecutionTime,
                    passed.Output,
                    ["ContentSecurityPolicyViolation"],
                    [$"The browser refused something under the Content-Security-Policy:{Environment.NewLine}{violations}{Environment.NewLine}{Environment.NewLine}{report}"],
                    [""],
                    [-1]);
            }

            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
            // The inner bus belongs to xunit.
        }
    }
}
