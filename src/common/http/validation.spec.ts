import { IsOptional, IsString } from 'class-validator';
import { AppError } from '../errors/app-error';
import { createValidationPipe } from './validation';

class OptionalFieldsDto {
  @IsOptional()
  @IsString()
  name?: string;
}

describe(createValidationPipe.name, () => {
  const pipe = createValidationPipe();
  const asBody = { type: 'body', metatype: OptionalFieldsDto } as const;

  it.each([[null], [undefined], ['x'], [[]], [42], [true]])(
    'refuses %j as a body for a DTO, whose fields may all be left out',
    async (value) => {
      const refused = await pipe.transform(value, asBody).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).fields).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    },
  );

  it('takes an empty object, and strips what the DTO does not name', async () => {
    await expect(pipe.transform({}, asBody)).resolves.toEqual({});
    await expect(pipe.transform({ name: 'acme', extra: 1 }, asBody)).resolves.toEqual({ name: 'acme' });
  });

  it('leaves a body read as is (no DTO) and query parameters to their own checks', async () => {
    await expect(pipe.transform(null, { type: 'body', metatype: Object })).resolves.toBeNull();
    await expect(pipe.transform(undefined, { type: 'query', metatype: OptionalFieldsDto })).resolves.toEqual({});
  });
});
