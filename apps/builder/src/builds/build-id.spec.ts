import { buildIdFor } from './build-id';

describe('buildIdFor', () => {
  it('is a UUID derived only from the saved event id, so a redelivery names the same build', () => {
    const id = buildIdFor('0b6f3a8e-4f7c-4d55-9a0e-2a3c4b5d6e7f');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(buildIdFor('0b6f3a8e-4f7c-4d55-9a0e-2a3c4b5d6e7f')).toBe(id);
    expect(buildIdFor('1b6f3a8e-4f7c-4d55-9a0e-2a3c4b5d6e7f')).not.toBe(id);
  });
});
