import { useCallback, useState } from 'react';
import { formErrorsFrom, type FormErrors } from '../components/CreateResource/variableForm';

export const NO_ERRORS: FormErrors = { fields: {}, variables: {}, parents: {} };

/**
 * A form's submission state: `refuse` shows what the form found itself, `send` runs the request with
 * `submitting` set and spreads a failure (the service's 422 included) over the form's fields in `errors`.
 */
export function useFormSubmission() {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const clearErrors = useCallback(() => setErrors(NO_ERRORS), []);

  const send = async (request: () => Promise<void>) => {
    setSubmitting(true);
    setErrors(NO_ERRORS);
    try {
      await request();
    } catch (e) {
      setErrors(formErrorsFrom(e));
    } finally {
      setSubmitting(false);
    }
  };

  return { errors, refuse: setErrors, submitting, clearErrors, send };
}
