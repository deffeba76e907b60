using Bunit;
using MudBlazor.Services;

namespace LabelPlatform.UnitTests.Components;

/// <summary>The one bUnit context for component tests: MudBlazor's services, and JS calls answered loosely.</summary>
/// <remarks>
/// MudBlazor registers services that can only be disposed asynchronously, and xunit 2 disposes test classes
/// synchronously, so the context is disposed through <see cref="IAsyncLifetime"/> first.
/// </remarks>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    /// <summary>
    /// Component tests wait on state (an element, a message), bounded by bUnit's timeout. On two busy
    /// cores the renderer's dispatcher could go unscheduled past bUnit's default second while the suite's
    /// other tests block pool threads: the wait then failed without ever being checked. The pool starts
    /// with enough threads for the tests that run at once, and the bound is generous; a state that is
    /// already there passes at once.
    /// </summary>
    static ComponentTestContext()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
        DefaultWaitTimeout = TimeSpan.FromSeconds(30);
    }

    protected ComponentTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
