using LabelPlatform.Labelling;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace LabelPlatform.Web.Components.Labelling;

/// <summary>
/// Picks one label (an ARIA radio group) or any number of labels (<see cref="Multiple"/>, a group
/// of checkboxes) for an item, by click or keyboard: digit keys choose or switch labels (see
/// <see cref="LabelShortcuts"/>), arrows move, Enter submits, S skips. Keys with Ctrl, and keys
/// it does not use (?, Ctrl+Z), are left to the page around it.
/// </summary>
public partial class LabelPicker
{
    private ElementReference _group;
    private List<string> _selected = [];
    private object? _shownItem;
    private IReadOnlyList<string>? _given;
    private IReadOnlyList<string> _shortcutsFor = [];
    private IReadOnlyList<string?> _shortcuts = [];
    private int _cursor = -1;
    private bool _preventDefault;

    [Parameter, EditorRequired] public IReadOnlyList<string> Labels { get; set; } = [];

    /// <summary>Any subset of the labels instead of exactly one.</summary>
    [Parameter] public bool Multiple { get; set; }

    /// <summary>Identifies the item on show; a new item clears the selection unless <see cref="Value"/> says otherwise.</summary>
    [Parameter] public object? ItemKey { get; set; }

    /// <summary>The labels to show as chosen (a restored draft, a suggestion, an undo); the picker follows a new list.</summary>
    [Parameter] public IReadOnlyList<string>? Value { get; set; }

    /// <summary>Every change the worker makes, for drafts and undo.</summary>
    [Parameter] public EventCallback<IReadOnlyList<string>> ValueChanged { get; set; }

    [Parameter] public bool Disabled { get; set; }

    [Parameter] public EventCallback<IReadOnlyList<string>> OnSubmit { get; set; }

    /// <summary>Passing on the item; the button and the S key appear only when this is set.</summary>
    [Parameter] public EventCallback OnSkip { get; set; }

    /// <summary>More actions beside Submit and Skip.</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }

    /// <summary>The single label chosen (one-label pickers), or null.</summary>
    public string? Selected => _selected.Count == 1 ? _selected[0] : null;

    public IReadOnlyList<string> SelectedLabels => _selected;

    public ValueTask FocusAsync() => _group.FocusAsync();

    private bool CanSubmit => Multiple || _selected.Count == 1;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shortcutsFor, Labels))
        {
            _shortcutsFor = Labels;
            _shortcuts = LabelShortcuts.Assign(Labels);
        }

        if (!Equals(_shownItem, ItemKey))
        {
            _shownItem = ItemKey;
            _selected = [];
            _cursor = -1;
        }

        if (!ReferenceEquals(_given, Value))
        {
            _given = Value;
            _selected = Value is null ? [] : Labels.Where(Value.Contains).ToList();
        }
    }

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
        _preventDefault = false;
        if (Disabled || Labels.Count == 0 || e.CtrlKey || e.AltKey || e.MetaKey)
        {
            return;
        }

        switch (e.Key)
        {
            case "Enter":
                await SubmitAsync();
                return;
            case "s" or "S" when OnSkip.HasDelegate:
                await SkipAsync();
                return;
            case "ArrowRight" or "ArrowDown":
                _preventDefault = true;
                await MoveAsync(+1);
                return;
            case "ArrowLeft" or "ArrowUp":
                _preventDefault = true;
                await MoveAsync(-1);
                return;
            case " " when Multiple && _cursor >= 0:
                _preventDefault = true;
                await ToggleAsync(Labels[_cursor]);
                return;
        }

        var index = IndexOfShortcut(e.Key);
        if (index >= 0)
        {
            _cursor = index;
            await ToggleAsync(Labels[index]);
        }
    }

    private async Task MoveAsync(int step)
    {
        var current = Multiple ? _cursor : Selected is { } one ? Labels.ToList().IndexOf(one) : -1;
        var next = current < 0 ? (step > 0 ? 0 : Labels.Count - 1) : ((current + step) % Labels.Count + Labels.Count) % Labels.Count;
        _cursor = next;
        if (!Multiple)
        {
            await SetAsync([Labels[next]]);
        }
    }

    /// <summary>One-label pickers choose the label; multi-label pickers switch it on or off.</summary>
    private async Task ToggleAsync(string label)
    {
        if (Disabled)
        {
            return;
        }

        if (!Multiple)
        {
            await SetAsync([label]);
            return;
        }

        var next = _selected.Contains(label) ? _selected.Where(l => l != label) : _selected.Append(label);
        await SetAsync(Labels.Where(next.Contains).ToList());
    }

    private async Task SetAsync(List<string> labels)
    {
        if (labels.SequenceEqual(_selected))
        {
            return;
        }

        _selected = labels;
        await ValueChanged.InvokeAsync(labels);
    }

    private int IndexOfShortcut(string key)
    {
        for (var i = 0; i < _shortcuts.Count; i++)
        {
            if (_shortcuts[i] == key)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task SkipAsync()
    {
        if (!Disabled)
        {
            await OnSkip.InvokeAsync();
        }
    }

    private async Task SubmitAsync()
    {
        if (CanSubmit && !Disabled)
        {
            await OnSubmit.InvokeAsync(_selected.ToList());
        }
    }
}
