import { BadRequestException, NotFoundException } from '@nestjs/common';
import { checkId, IdParam, StorableTextPipe, VersionParam } from './path-params';

describe('path params', () => {
  it('ids of the wrong shape, with NUL bytes or too long are not found (404)', () => {
    expect(IdParam.script.transform('1b8b3041-f0ed-4f82-bb69-274254110b38')).toBe(
      '1b8b3041-f0ed-4f82-bb69-274254110b38',
    );
    expect(() => IdParam.script.transform('nope')).toThrow(new NotFoundException('script nope not found'));
    expect(() => IdParam.execution.transform('\u0000')).toThrow(/execution \\u0000 not found/);
    expect(checkId('trigger', 'Ab_-0123456789012345678901')).toBe('Ab_-0123456789012345678901');
    expect(() => checkId('trigger', 'a'.repeat(129))).toThrow(NotFoundException);
    expect(() => checkId('trigger', 'a%00')).toThrow(NotFoundException);
  });

  it('versions: not a whole number → 400; beyond any version → 404', () => {
    const pipe = new VersionParam();
    expect(pipe.transform('3')).toBe(3);
    expect(pipe.transform(3)).toBe(3);
    expect(() => pipe.transform('1.5')).toThrow(BadRequestException);
    expect(() => pipe.transform(Number.NaN)).toThrow(BadRequestException);
    expect(() => pipe.transform('9999999999999')).toThrow(NotFoundException);
    expect(() => pipe.transform('0')).toThrow(NotFoundException);
  });

  it('text the database cannot hold: in a path 404, in a query 400 naming the field', () => {
    const pipe = new StorableTextPipe();
    expect(() => pipe.transform('a\u0000', { type: 'param', data: 'id' })).toThrow(NotFoundException);
    expect(() => pipe.transform({ scriptId: ['x', '\ud800'] }, { type: 'query' })).toThrow(
      new BadRequestException('scriptId must not contain NUL (U+0000) or unpaired surrogate characters'),
    );
    expect(pipe.transform({ q: 'fine \ud83d\ude00' }, { type: 'query' })).toEqual({ q: 'fine \ud83d\ude00' });
    expect(pipe.transform({ code: '\u0000' }, { type: 'body' })).toEqual({ code: '\u0000' }); // bodies: decide checks
  });
});
