import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Combobox, type ComboboxOption } from './Combobox';

const named = (...labels: string[]): ComboboxOption[] => labels.map((label) => ({ value: label.toLowerCase(), label }));

describe('Combobox', () => {
  it('keeps the option moved to within options that arrive fewer, so Enter still picks one', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const props = { ariaLabel: 'Pick', value: '', valueLabel: 'None', onChange, onSearch: () => {} };
    const { rerender } = render(<Combobox {...props} options={named('A', 'B', 'C', 'D', 'E')} />);
    await user.click(screen.getByRole('combobox', { name: 'Pick' }));
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}');
    rerender(<Combobox {...props} options={named('X', 'Y')} />); // a later answer, shorter
    expect(screen.getByRole('option', { name: 'Y' })).toHaveClass('is-active');
    await user.keyboard('{Enter}');
    expect(onChange).toHaveBeenCalledWith('y');
  });
});
