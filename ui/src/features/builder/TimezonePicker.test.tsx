import { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { TimezonePicker } from './TimezonePicker';

function Picker() {
  const [zone, setZone] = useState('UTC');
  return (
    <>
      <TimezonePicker value={zone} onChange={setZone} />
      <output aria-label="Picked">{zone}</output>
    </>
  );
}

describe('TimezonePicker', () => {
  it('finds a zone by its city as typed, with spaces for underscores, and picks it with Enter', async () => {
    const user = userEvent.setup();
    render(<Picker />);
    const input = screen.getByLabelText('Time zone');
    await user.clear(input);
    await user.type(input, 'new y');
    expect(screen.getAllByRole('option')[0]).toHaveTextContent('America/New York');
    await user.keyboard('{Enter}');
    expect(screen.getByLabelText('Picked')).toHaveTextContent('America/New_York');
    expect(input).toHaveValue('America/New_York');
  });

});
