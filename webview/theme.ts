// The grid's theme: VS Code's theme variables drive it, so light, dark and high-contrast themes apply live.
import { themeQuartz } from 'ag-grid-community';

/** The ag-grid theme of the preview, built from VS Code's CSS variables. */
export const theme = themeQuartz.withParams({
  backgroundColor: 'var(--vscode-editor-background)',
  foregroundColor: 'var(--vscode-editor-foreground)',
  textColor: 'var(--vscode-editor-foreground)',
  chromeBackgroundColor: 'var(--vscode-editorWidget-background, var(--vscode-editor-background))',
  headerBackgroundColor: 'var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background))',
  headerTextColor: 'var(--vscode-foreground)',
  borderColor: 'var(--vscode-contrastBorder, var(--vscode-editorGroup-border, var(--vscode-panel-border)))',
  accentColor: 'var(--vscode-focusBorder)',
  rowHoverColor: 'var(--vscode-list-hoverBackground)',
  selectedRowBackgroundColor: 'var(--vscode-list-inactiveSelectionBackground, var(--vscode-list-hoverBackground))',
  oddRowBackgroundColor: 'var(--vscode-editor-background)',
  inputBackgroundColor: 'var(--vscode-input-background)',
  inputTextColor: 'var(--vscode-input-foreground)',
  inputBorder: { color: 'var(--vscode-input-border, var(--vscode-contrastBorder, transparent))' },
  menuBackgroundColor: 'var(--vscode-menu-background, var(--vscode-editorWidget-background))',
  menuTextColor: 'var(--vscode-menu-foreground, var(--vscode-foreground))',
  fontFamily: 'var(--vscode-font-family)',
  fontSize: 'var(--vscode-font-size)',
  cellFontFamily: 'var(--vscode-editor-font-family)',
  wrapperBorderRadius: 0,
  spacing: 5,
  rowVerticalPaddingScale: 0.7,
  browserColorScheme: 'inherit',
});
