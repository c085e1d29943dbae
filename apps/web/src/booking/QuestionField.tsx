import type { BookingField } from '../api/client';

export type Answer = string | string[] | boolean;

/** The error of a field beside it, tied to it for screen readers. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

/** One question of an event type's bookingFields (SPEC §4b), labelled by its label. */
export function QuestionField(props: {
  field: BookingField;
  value: Answer | undefined;
  error?: string;
  onChange: (value: Answer) => void;
}) {
  const { field, value, error, onChange } = props;
  const id = `question-${field.slug}`;
  const errorId = `${id}-error`;
  const common = {
    id,
    name: field.slug,
    required: field.required,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
  };
  const label = (
    <label htmlFor={id}>
      {field.label}
      {field.required ? <span aria-hidden="true"> *</span> : null}
    </label>
  );
  const text = typeof value === 'string' ? value : '';

  switch (field.type) {
    case 'checkbox':
      return (
        <div className="field field-checkbox">
          <input
            type="checkbox"
            {...common}
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
          />
          {label}
          <FieldError id={errorId} message={error} />
        </div>
      );
    case 'textarea':
      return (
        <div className="field">
          {label}
          <textarea {...common} rows={4} value={text} onChange={(e) => onChange(e.target.value)} />
          <FieldError id={errorId} message={error} />
        </div>
      );
    case 'select':
      return (
        <div className="field">
          {label}
          <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choose…</option>
            {(field.options ?? []).map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
          <FieldError id={errorId} message={error} />
        </div>
      );
    case 'multiselect':
      return (
        <div className="field">
          {label}
          <select
            {...common}
            multiple
            value={Array.isArray(value) ? value : []}
            onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}
          >
            {(field.options ?? []).map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
          <FieldError id={errorId} message={error} />
        </div>
      );
    default: {
      const type = { email: 'email', phone: 'tel', number: 'number', url: 'url', text: 'text' }[
        field.type
      ];
      return (
        <div className="field">
          {label}
          <input
            type={type}
            {...common}
            inputMode={field.type === 'number' ? 'decimal' : undefined}
            value={text}
            onChange={(e) => onChange(e.target.value)}
          />
          <FieldError id={errorId} message={error} />
        </div>
      );
    }
  }
}

/** The answers as the API takes them: empty ones left out, numbers as numbers. */
export function responsesOf(
  fields: BookingField[],
  answers: Record<string, Answer>,
): Record<string, string | number | boolean | string[]> {
  const responses: Record<string, string | number | boolean | string[]> = {};
  for (const field of fields) {
    const value = answers[field.slug];
    if (value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (field.type === 'number' && typeof value === 'string') {
      const number = Number(value);
      responses[field.slug] = Number.isFinite(number) ? number : value;
    } else responses[field.slug] = value;
  }
  return responses;
}
