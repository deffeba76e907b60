using LabelPlatform.Labelling;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace LabelPlatform.Web.Components.Labelling;

/// <summary>
/// Picks one label for an item by click or keyboard: digit keys choose labels (see
/// <see cref="LabelShortcuts"/>), arrows move, Enter submits. One tab stop for the whole group, as an ARIA radio group.
/// </summary>
public partial class LabelPicker
{
    private ElementReference _group;
    private string? _selected;
    private object? _shownItem;
    private IReadOnlyList<string> _shortcutsFor = [];
    private IReadOnlyList<string?> _shortcuts = [];

    [Parameter, EditorRequired] public IReadOnlyList<string> Labels { get; set; } = [];

    /// <summary>Identifies the item on show; a new item clears the selection.</summary>
    [Parameter] public object? ItemKey { get; set; }

    [Parameter] public bool Disabled { get; set; }

    [Parameter] public EventCallback<string> OnSubmit { get; set; }

    /// <summary>Passing on the item; the button and the S key appear only when this is set.</summary>
    [Parameter] public EventCallback OnSkip { get; set; }

    public string? Selected => _selected;

    public ValueTask FocusAsync() => _group.FocusAsync();

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
            _selected = null;
        }
    }

    private void Select(string label) => _selected = label;

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
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
                Move(+1);
                return;
            case "ArrowLeft" or "ArrowUp":
                Move(-1);
                return;
        }

        var index = IndexOfShortcut(e.Key);
        if (index >= 0)
        {
            _selected = Labels[index];
        }
    }

    private void Move(int step)
    {
        var current = _selected is null ? (step > 0 ? -1 : 0) : IndexOf(_selected);
        _selected = Labels[((current + step) % Labels.Count + Labels.Count) % Labels.Count];
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

    private int IndexOf(string label)
    {
        for (var i = 0; i < Labels.Count; i++)
        {
            if (Labels[i] == label)
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
        if (_selected is not null && !Disabled)
        {
            await OnSubmit.InvokeAsync(_selected);
        }
    }
}
